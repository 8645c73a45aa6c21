/**
 * Go archive/tar semantics on hand-made archives: what Docker sees is what we must report.
 */
import { describe, expect, it } from 'vitest';
import { F } from '../../src/tar/fields.js';
import { END, body, file, gnuLong, pax, raw, reseal } from './craft.js';
import { parseEveryWay } from './helpers.js';

const names = (buf: Buffer): string[] => parseEveryWay(buf).entries.map((e) => e.header.name);

describe('TarParser quirks (as Go archive/tar)', () => {
  it('header-only types never consume data, whatever their size field says', () => {
    const buf = Buffer.concat([
      raw({ name: 'ln', typeflag: '2', linkName: 'target', size: 1000 }),
      raw({ name: 'hard', typeflag: '1', linkName: 'f', size: 600 }),
      raw({ name: 'dir/', typeflag: '5', size: 512 }),
      raw({ name: 'fifo', typeflag: '6', size: 1 }),
      file('f', 'data after the links'),
      END,
    ]);
    const p = parseEveryWay(buf);
    expect(p.entries.map((e) => [e.header.name, e.header.type, e.header.size])).toEqual([
      ['ln', 'symlink', 0],
      ['hard', 'hardlink', 0],
      ['dir/', 'dir', 0],
      ['fifo', 'fifo', 0],
      ['f', 'file', 20],
    ]);
    expect(p.entries[4].data?.toString()).toBe('data after the links');
  });

  it("legacy '\\0' or '0' typeflag with a trailing slash is a directory; other types keep their data", () => {
    const buf = Buffer.concat([
      raw({ name: 'old/', typeflag: '\0' }),
      raw({ name: 'zero/', typeflag: '0' }),
      raw({ name: 'plain', typeflag: '\0', size: 3 }),
      body('abc'),
      raw({ name: 'contiguous', typeflag: '7', size: 2 }),
      body('xy'),
      END,
    ]);
    const p = parseEveryWay(buf);
    expect(p.entries.map((e) => [e.header.typeflag, e.header.type, e.length])).toEqual([
      ['\0', 'dir', 0],
      ['0', 'dir', 0],
      ['\0', 'file', 3],
      ['7', 'other', 2],
    ]);
  });

  it('merges PAX records (empty values keep the header field) and lets GNU long names win', () => {
    const buf = Buffer.concat([
      pax('x', [['path', 'from/pax'], ['size', '5'], ['uid', '3000000'], ['gid', '7'], ['uname', ''], ['mtime', '-1.5'], ['SCHILY.xattr.user.b', Buffer.from([0, 0x80, 0xff])], ['LIBARCHIVE.xattr.user.c', 'ignored']]),
      raw({ name: 'ustar-name', typeflag: '0', size: 0, edits: [[F.uname[0], 'keep']] }),
      body('12345'),
      gnuLong('L', 'from/gnu-long-name'),
      pax('x', [['path', 'loses/to/L'], ['linkpath', 'pax-link']]),
      raw({ name: 'short', typeflag: '2', linkName: 'short-link' }),
      END,
    ]);
    const [a, b] = parseEveryWay(buf).entries;
    expect(a.header).toMatchObject({ name: 'from/pax', size: 5, uid: 3_000_000, gid: 7, uname: 'keep', mtime: -1.5, headerOffset: 0 });
    expect(a.header.xattrs).toEqual({ 'user.b': Buffer.from([0, 0x80, 0xff]) });
    expect(a.data?.toString()).toBe('12345');
    expect(b.header).toMatchObject({ name: 'from/gnu-long-name', linkName: 'pax-link', type: 'symlink' });
    expect(b.header.headerOffset).toBe(a.header.dataOffset + 512);
  });

  it('reports PAX global headers without applying them, and drops a pending x before a g', () => {
    const buf = Buffer.concat([
      pax('g', [['path', 'global/path'], ['SCHILY.xattr.user.g', '1'], ['mtime', '5']]),
      file('a', 'A'),
      pax('x', [['path', 'dropped']]),
      pax('g', [['comment', 'second']]),
      file('b', 'B'),
      END,
    ]);
    const p = parseEveryWay(buf);
    expect(p.entries.map((e) => [e.header.name, e.header.xattrs, e.header.pax, e.header.mtime])).toEqual([
      ['a', null, null, 1_700_000_000],
      ['b', null, null, 1_700_000_000],
    ]);
    expect(p.globals.map((g) => [g.headerOffset, [...g.records.keys()]])).toEqual([
      [0, ['path', 'SCHILY.xattr.user.g', 'mtime']],
      [3072, ['comment']],
    ]);
  });

  it('ends at two zero blocks, ignoring what follows; accepts one zero block or none at EOF', () => {
    const entry = file('a', 'A');
    const trailing = Buffer.from('trailing garbage that Docker hashes but never parses');
    const p = parseEveryWay(Buffer.concat([entry, END, trailing]));
    expect(p).toMatchObject({ finished: true, offset: 2048 });
    expect(parseEveryWay(Buffer.concat([entry, END.subarray(512)]))).toMatchObject({ finished: false, offset: 1536 });
    expect(parseEveryWay(entry)).toMatchObject({ finished: false, offset: 1024 });
    expect(parseEveryWay(Buffer.alloc(0)).entries).toEqual([]);
  });

  it('reads base-256 sizes, v7 headers and STAR prefixes', () => {
    const big = raw({ name: 'b256', typeflag: '0' });
    big.fill(0, F.size[0], F.size[1]);
    big[F.size[0]] = 0x80;
    big[F.size[1] - 1] = 3;
    const v7 = raw({ name: 'v7', typeflag: '0' });
    v7.fill(0, F.magic[0], 500);
    const star = raw({ name: 'name', typeflag: '0', edits: [[F.starPrefix[0], 'star/prefix'], [508, 'tar\0']] });
    const buf = Buffer.concat([reseal(big), body('abc'), reseal(v7), star, END]);
    expect(names(buf)).toEqual(['b256', 'v7', 'star/prefix/name']);
    expect(parseEveryWay(buf).entries[0].data?.toString()).toBe('abc');
  });
});
