/**
 * Bad input: every failure is an EngineError with a stable code and a message that says where.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { F } from '../../src/tar/fields.js';
import { TarParser } from '../../src/tar/reader.js';
import { END, body, file, gnuLong, pax, raw, reseal } from './craft.js';
import { CHUNK_SIZES, expectParseError, parseEveryWay, parseTar } from './helpers.js';

/** A small archive with every kind of header: PAX, GNU long name, global, file data, links. */
const sample = Buffer.concat([
  pax('g', [['comment', 'global']]),
  pax('x', [['path', 'pax/named'], ['SCHILY.xattr.user.a', 'b']]),
  raw({ name: 'short', typeflag: '0', size: 700 }),
  body(Buffer.alloc(700, 1)),
  gnuLong('L', `gnu/${'n'.repeat(150)}`),
  raw({ name: 'x', typeflag: '0', size: 3 }),
  body('abc'),
  raw({ name: 'link', typeflag: '2', linkName: 'x' }),
  file('last', 'z'),
  END,
]);

describe('TarParser on bad input', () => {
  it('says "is the file compressed?" for a gzip stream, even one shorter than a block', () => {
    const gz = gzipSync(Buffer.concat([sample, randomBytes(2000)]));
    expect(expectParseError(gz, 'BAD_TAR_HEADER')).toBe(
      'not a tar archive (bad header checksum at offset 0) — is the file compressed?',
    );
    const small = gzipSync(sample);
    expect(small.length).toBeLessThan(512);
    expect(expectParseError(small, 'BAD_TAR_HEADER')).toMatch(/is the file compressed\?$/);
  });

  it('reports a checksum error at the offset of the damaged header', () => {
    const damaged = Buffer.from(sample);
    damaged[2048 + 10] ^= 0x01; // inside the 'short' header's name (after the g and x headers)
    expect(expectParseError(damaged, 'BAD_TAR_HEADER')).toMatch(/offset 2048/);
  });

  it('is TRUNCATED or clean at every block boundary, exactly as entry boundaries predict', () => {
    const full = parseEveryWay(sample);
    const boundaries = new Set<number>();
    for (const e of full.entries) boundaries.add(e.header.headerOffset);
    // After the last entry: at its end, and after one zero block (Go accepts both).
    const last = full.entries[full.entries.length - 1].header;
    boundaries.add(last.dataOffset + 512).add(last.dataOffset + 1024).add(last.dataOffset + 1536);
    const global = full.globals[0].headerOffset; // a cut before the g header is the empty archive
    boundaries.add(global);
    for (let cut = 0; cut <= sample.length; cut += 512) {
      const part = sample.subarray(0, cut);
      if (boundaries.has(cut)) {
        const p = parseEveryWay(part);
        expect(p.entries.length, `cut ${cut}`).toBe(full.entries.filter((e) => e.header.headerOffset < cut).length);
      } else {
        expect(expectParseError(part, 'TRUNCATED'), `cut ${cut}`).toMatch(new RegExp(`^archive ends inside .* at byte ${cut}$`));
      }
    }
  });

  it('is TRUNCATED inside a block, naming the entry', () => {
    const msg = expectParseError(sample.subarray(0, 2560 + 100), 'TRUNCATED');
    expect(msg).toBe('archive ends inside "pax/named" at byte 2660');
    expect(expectParseError(sample.subarray(0, 100), 'TRUNCATED')).toMatch(/a header block at offset 0/);
  });

  it('rejects a negative base-256 size', () => {
    const h = raw({ name: 'neg', typeflag: '0' });
    h.fill(0xff, F.size[0], F.size[1]);
    expect(expectParseError(Buffer.concat([reseal(h), END]), 'BAD_TAR_HEADER')).toMatch(/size: negative base-256/);
  });

  it('refuses giant PAX headers and long names before buffering them', () => {
    const giant = raw({ name: 'PaxHeaders/x', typeflag: 'x', size: 8 ** 11 - 1 });
    expect(expectParseError(Buffer.concat([giant, END]), 'LIMIT_EXCEEDED')).toMatch(/PAX header at offset 0 is 8589934591 bytes; the limit is 1048576/);
    const long = gnuLong('L', 'n'.repeat(2000));
    const parser = new TarParser({ entry() {}, data() {}, entryEnd() {} }, { maxHeaderBytes: 1024 });
    expect(() => parser.push(long)).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
  });

  it('rejects PAX records whose length runs past the header', () => {
    const payload = Buffer.from('999999999 path=a\n');
    const bad = Buffer.concat([raw({ name: 'PaxHeaders/x', typeflag: 'x', size: payload.length }), body(payload), file('a', 'A'), END]);
    expect(expectParseError(bad, 'BAD_TAR_HEADER')).toMatch(/claims 999999999 bytes/);
    const badNumber = Buffer.concat([pax('x', [['size', '-5']]), file('a', 'A'), END]);
    expect(expectParseError(badNumber, 'BAD_TAR_HEADER')).toMatch(/PAX size "-5"/);
  });

  it('rejects a zero block followed by a header, and sparse maps that do not fit', () => {
    expect(expectParseError(Buffer.concat([END.subarray(0, 512), file('a', 'A')]), 'BAD_TAR_HEADER')).toMatch(/single zero block/);
    const overlapping = Buffer.concat([
      pax('x', [['GNU.sparse.major', '0'], ['GNU.sparse.minor', '1'], ['GNU.sparse.numblocks', '2'], ['GNU.sparse.map', '0,4,2,4'], ['GNU.sparse.size', '10']]),
      file('s', '12345678'),
      END,
    ]);
    expect(expectParseError(overlapping, 'BAD_TAR_HEADER')).toMatch(/overlap/);
    const short = Buffer.concat([
      pax('x', [['GNU.sparse.numblocks', '1'], ['GNU.sparse.map', '0,100'], ['GNU.sparse.size', '100']]),
      file('s', '1234'),
      END,
    ]);
    expect(expectParseError(short, 'BAD_TAR_HEADER')).toMatch(/covers 100 bytes but the archive stores 4/);
  });

  it('stays failed after an error, and rethrows handler errors as they are', () => {
    const p = new TarParser({ entry() {}, data() {}, entryEnd() {} });
    const junk = Buffer.alloc(512, 0x41);
    expect(() => p.push(junk)).toThrow(/checksum/);
    expect(() => p.push(sample)).toThrow(/checksum/);
    expect(() => p.end()).toThrow(/checksum/);
    const boom = new Error('handler failed');
    const q = new TarParser({ entry() { throw boom; }, data() {}, entryEnd() {} });
    expect(() => q.push(sample)).toThrow(boom);
    for (const size of CHUNK_SIZES) expect(() => parseTar(sample.subarray(0, 1000), size)).toThrow(/ends inside/);
  });
});
