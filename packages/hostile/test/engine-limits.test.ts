import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGzip, gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { mergeLayers, openImageArchive, type FsBlobStore } from '@peel/engine';
import { GiB, MiB, archiveAround, gzipBombLayer, hugePaxHeader, manyEntriesLayer, zstdBombLayer, type Lazy } from '../src/bombs.js';
import { dockerArchive, ociArchive } from '../src/image.js';
import { END, dir, file, header, tar } from '../src/tar.js';
import { DigestOnlyStore } from '../src/memory-store.js';
import { tempStore } from './helpers.js';

/** Regression tests for the engine fixes the hostile corpus led to: bombs, limits, link blobs. */
describe('engine limits against bombs', () => {
  let store: FsBlobStore;
  let contents: Awaited<ReturnType<typeof tempStore>>['contents'];
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ store, contents, dispose } = await tempStore()));
  afterAll(() => dispose());

  /** Opens a lazy archive, counting the bytes the engine pulled before it gave up. */
  async function refuse(archive: Lazy | Iterable<Buffer> | AsyncIterable<Buffer>, opts = {}): Promise<{ code: string; message: string; pulled: number }> {
    let pulled = 0;
    const chunks = 'chunks' in archive ? archive.chunks() : archive;
    const counted = (async function* () {
      for await (const c of chunks) {
        pulled += c.length;
        yield c;
      }
    })();
    const before = await contents();
    const err = await openImageArchive(counted, store, opts).then(() => null, (e: { code: string; message: string }) => e);
    if (!err) throw new Error('the bomb was ingested');
    expect(await contents(), 'a refused bomb leaves nothing').toEqual(before);
    return { code: err.code, message: err.message, pulled };
  }

  it('a gzip layer expanding to 100 GiB is refused by its ratio after a few hundred MB', async () => {
    const layer = gzipBombLayer(100 * GiB);
    expect(layer.size).toBeLessThan(110 * MiB);
    const r = await refuse(archiveAround(layer));
    expect(r.code).toBe('LIMIT_EXCEEDED');
    expect(r.message).toMatch(/decompression bomb/);
    expect(r.pulled).toBeLessThan(8 * MiB);
  });

  it('a zstd layer expanding to 100 GiB (RLE blocks) is refused the same way', async () => {
    const layer = zstdBombLayer(100 * GiB);
    expect(layer.size).toBeLessThan(4 * MiB);
    const r = await refuse(archiveAround(layer));
    expect(r.code).toBe('LIMIT_EXCEEDED');
    expect(r.message).toMatch(/decompression bomb/);
    expect(r.pulled).toBeLessThan(2 * MiB);
  });

  it('a zstd frame that asks for a 2 GiB window is refused before anything is allocated', async () => {
    const r = await refuse(archiveAround(zstdBombLayer(GiB, 31)));
    expect(r.code).toBe('LIMIT_EXCEEDED');
    // The window check names it: refused at the frame header, not by the ratio once decoding ran.
    expect(r.message).toMatch(/2048 MiB window/);
  });

  it('a whole-archive gzip that expands past its ratio (trailing zeros after the end marker)', async () => {
    const honest = dockerArchive([tar([file('a', 'a')])]);
    const gz = Readable.from((function* () {
      yield honest;
      const zeros = Buffer.alloc(16 * MiB);
      for (let i = 0; i < 64; i++) yield zeros; // 1 GiB of trailing zeros
    })()).pipe(createGzip({ level: 1 }));
    const chunks: Buffer[] = [];
    for await (const c of gz) chunks.push(c as Buffer);
    const r = await refuse(chunks);
    expect(r.code).toBe('LIMIT_EXCEEDED');
    expect(r.message).toMatch(/the archive expands more than/);
  });

  it('nested gzip: a gzipped archive holding a gzip bomb layer', async () => {
    const inner = archiveAround(gzipBombLayer(100 * GiB));
    const gz = Readable.from(inner.chunks()).pipe(createGzip({ level: 1 }));
    const r = await refuse(gz);
    expect(r.code).toBe('LIMIT_EXCEEDED');
  });

  it('a 1 GB PAX header is refused at its header, outer or in a layer', async () => {
    const outer = await refuse(hugePaxHeader(GiB));
    expect(outer.code).toBe('LIMIT_EXCEEDED');
    expect(outer.pulled).toBeLessThan(8 * MiB);
    const inLayer = await refuse(archiveAround(hugePaxHeader(GiB)));
    expect(inLayer.code).toBe('LIMIT_EXCEEDED');
    expect(inLayer.message).toMatch(/PAX header at offset 0 is 1073741824 bytes/);
    expect(inLayer.pulled).toBeLessThan(8 * MiB);
  });

  it('entries past maxEntriesPerLayer: refused while streaming', async () => {
    const r = await refuse(archiveAround(manyEntriesLayer(200_000)), { maxEntriesPerLayer: 100_000 });
    expect(r.code).toBe('LIMIT_EXCEEDED');
    expect(r.message).toMatch(/more than 100000 entries/);
    expect(r.pulled).toBeLessThan(60 * MiB);
  });

  it('names past PATH_MAX are refused; deep but legal paths cannot imply unbounded directories', async () => {
    const deep = await refuse([dockerArchive([tar([file(`${'a/'.repeat(10_000)}f`, 'x')])])]);
    expect(deep.message).toMatch(/PATH_MAX/);
    // 400 entries, each 1000 levels deep under its own root: 400,000 implied directories.
    const items = Array.from({ length: 400 }, (_, i) => file(`r${i}/${'d/'.repeat(1000)}f`, ''));
    const a = await openImageArchive([dockerArchive([tar(items)])], store);
    expect(() => mergeLayers(a.image.layers.map((l) => a.layerScans.get(l.blob)!.entries))).toThrow(/parent directories that no entry declares/);
  });

  it('a blob reached through a link must still hash to its name', async () => {
    const layer = tar([file('etc/os-release', 'ID=x\n')]);
    const evil = tar([file('etc/os-release', 'ID=y\n')]);
    const bytes = ociArchive([layer], {
      outer: (items) => items.map((it) => (String(it.name).startsWith('blobs/sha256/') && it.data && Buffer.from(it.data).equals(layer) ? { name: it.name, type: '2', linkName: '../../evil.tar' } : it)).concat([file('evil.tar', evil)]),
    });
    const err = await openImageArchive([bytes], store).then(() => null, (e: { code: string; message: string }) => e);
    expect(err?.code).toBe('DIGEST_MISMATCH');
    expect(err?.message).toMatch(/is a link to evil\.tar/);
  });

  it('a million problems of one kind are summarised, not listed', async () => {
    const items = [dir('d/'), ...Array.from({ length: 5000 }, () => file('d/dup', 'x'))];
    const a = await openImageArchive([dockerArchive([tar(items)])], store);
    const dups = a.problems.filter((p) => p.code === 'DUPLICATE_PATH');
    expect(dups.length).toBe(101);
    expect(dups[100].message).toMatch(/4899 more DUPLICATE_PATH problems/);
  });

  it('a gzip layer over maxLayerBytes still fails fast, before the rest of the upload is read', async () => {
    const r = await refuse(archiveAround(gzipBombLayer(4 * GiB)), { maxLayerBytes: 64 * MiB });
    expect(r.code).toBe('LIMIT_EXCEEDED');
    expect(r.pulled).toBeLessThan(4 * MiB);
  });

  it('an outer archive of more than 100,000 entries is refused while streaming', async () => {
    const digestOnly = new DigestOnlyStore();
    // The same generator as for a layer, used as the archive itself: 120,000 empty files.
    const err = await openImageArchive(manyEntriesLayer(120_000).chunks(), digestOnly).then(() => null, (e: { code: string; message: string }) => e);
    expect(err?.code).toBe('LIMIT_EXCEEDED');
    expect(err?.message).toMatch(/more than 100000 entries/);
    expect(digestOnly.pending).toBe(0);
    expect(digestOnly.blobs.size).toBe(0);
  });

  it('a raw tar header claiming 8 GiB that is not there is a clean TRUNCATED', async () => {
    const bytes = dockerArchive([Buffer.concat([header({ name: 'big', size: 8 * GiB }), END])]);
    const r = await refuse([bytes]);
    expect(r.code).toBe('TRUNCATED');
    // The same archive gzipped as a whole: the missing bytes are noticed behind the decompressor too.
    const gz = await refuse([gzipSync(bytes)]);
    expect([gz.code, gz.message]).toEqual(['TRUNCATED', r.message]);
  });
});
