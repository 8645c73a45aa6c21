import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openImageArchive, type BlobWriter } from '../src/index.js';
import { WriteAhead } from '../src/archive/write-ahead.js';
import { LayerIndexer } from '../src/layer/indexer.js';
import { dockerArchive, sha256, tar, type TarItem } from './build.js';
import { tempStore } from './helpers.js';

/**
 * The ingest pipeline: blobs are stored in the background (WriteAhead) while the scan goes on,
 * and a layer's diff_id is the digest its stored tar got (no second hash of the same bytes).
 */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function* pieces(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

describe('layer digests and stored tars', () => {
  // Big enough that the write-ahead queue fills and waits several times.
  const big = randomBytes(9 * 1024 * 1024 + 123);
  const layers: TarItem[][] = [
    [{ name: 'etc/', type: 'directory' }, { name: 'etc/os-release', data: 'ID=test\n' }, { name: 'opt/big.bin', data: big }],
    [{ name: 'etc/.wh.os-release' }, { name: 'srv/app.txt', data: 'app\n'.repeat(5000) }],
  ];

  for (const gzip of [false, true]) {
    it(`${gzip ? 'gzip' : 'uncompressed'} layers: diff_id, tar blob and file digests match the bytes`, async () => {
      const { store, dir, dispose } = await tempStore();
      cleanups.push(dispose);
      const tars = await Promise.all(layers.map((l) => tar(l)));
      const archive = await dockerArchive({ layers, gzip });
      const opened = await openImageArchive(pieces(archive, 65_537), store);
      opened.image.layers.forEach((l, i) => {
        expect(l.diffId).toBe(sha256(tars[i]));
        expect(l.tarBlob).toBe(l.diffId);
        expect(l.compression).toBe(gzip ? 'gzip' : 'none');
      });
      for (const [i, t] of tars.entries()) {
        // Through the store: a gzip layer's tar is an index into its blob, not a file.
        const bytes: Buffer[] = [];
        for await (const c of store.open(opened.image.layers[i].tarBlob)) bytes.push(c as Buffer);
        expect(sha256(Buffer.concat(bytes))).toBe(sha256(t));
      }
      const entry = opened.layerScans.get(opened.image.layers[0].blob)!.entries.find((e) => e.path === 'opt/big.bin')!;
      expect(entry.digest).toBe(sha256(big));
      // Nothing but the archive's blobs (and, for gzip, the tars' indexes) is left in the store.
      expect((await readdir(join(dir, 'sha256'))).sort()).toEqual([...new Set(opened.blobs)].map((d) => d.slice(7)).sort());
      expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    });
  }

  it('a zstd layer in 64 KiB pieces: blocks straddling the 1 MiB batches handed to the decoder decode right, file digests included', async () => {
    const { store, dispose } = await tempStore();
    cleanups.push(dispose);
    const files: TarItem[] = Array.from({ length: 5 }, (_, i) => ({ name: `opt/r${i}.bin`, data: randomBytes(900_000 + i * 3) }));
    const layer = await tar(files);
    const archive = await dockerArchive({ layers: [files] }, (f) => f.set('layer0/layer.tar', zstdRaw(layer, 100_000)));
    const opened = await openImageArchive(pieces(archive, 65_536), store);
    const l = opened.image.layers[0]!;
    expect(l.compression).toBe('zstd');
    expect(l.diffId).toBe(sha256(layer));
    const entries = opened.layerScans.get(l.blob)!.entries;
    expect(entries.map((e) => e.digest)).toEqual(files.map((f) => sha256(f.data as Buffer)));
  });

  it('a slow disk: chunks still waiting to be indexed when gzip ends are indexed all the same', async () => {
    const { store, dispose } = await tempStore();
    cleanups.push(dispose);
    // Every write waits a little, so the store falls behind and the inflater finishes first
    // (zlib then ends and destroys itself while inflated chunks are still queued for indexing).
    const slow = Object.assign(Object.create(store), {
      create: (): BlobWriter => {
        const w = store.create();
        return Object.assign(Object.create(w), {
          write: async (c: Buffer) => {
            await new Promise((r) => setTimeout(r, 2));
            return w.write(c);
          },
          writeMany: async (cs: Buffer[]) => {
            await new Promise((r) => setTimeout(r, 2));
            return w.writeMany!(cs);
          },
          commit: () => w.commit(),
          abort: () => w.abort(),
        });
      },
    });
    const files: TarItem[] = Array.from({ length: 3000 }, (_, i) => ({ name: `var/log/f${i}.log`, data: `line ${i}\n`.repeat(1500) }));
    const archive = await dockerArchive({ layers: [files], gzip: true });
    const opened = await openImageArchive(pieces(archive, 1 << 20), slow);
    const entries = opened.layerScans.get(opened.image.layers[0].blob)!.entries;
    expect(entries.length).toBe(3000);
    expect(entries.at(-1)!.path).toBe('var/log/f2999.log');
    expect(opened.image.layers[0].diffId).toBe(sha256(await tar(files)));
  });

  it('a truncated gzip layer is no layer, and leaves no uncompressed tar behind', async () => {
    const { store, dir, dispose } = await tempStore();
    cleanups.push(dispose);
    const whole = gzipSync(await tar(layers[0]));
    const cut = whole.subarray(0, Math.floor(whole.length / 2));
    const archive = await tar([{ name: 'cut.tar.gz', data: cut }, { name: 'manifest.json', data: '[]' }]);
    await expect(openImageArchive(pieces(archive, 50_000), store)).rejects.toThrow();
    expect(await readdir(join(dir, 'sha256'))).toEqual([]);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('LayerIndexer without its own hash takes the diff_id from the caller, and insists on it', () => {
    const data = Buffer.alloc(1024);
    const indexer = new LayerIndexer('x', { maxBytes: 1e9, maxEntries: 10 }, { hashStream: false });
    indexer.push(data);
    expect(() => new LayerIndexer('y', { maxBytes: 1e9, maxEntries: 10 }, { hashStream: false }).finish()).toThrow(/diff_id/);
    expect(indexer.finish(sha256(data)).diffId).toBe(sha256(data));
    const hashing = new LayerIndexer('z', { maxBytes: 1e9, maxEntries: 10 });
    hashing.push(data);
    expect(hashing.finish().diffId).toBe(sha256(data));
  });
});

/** A zstd frame of raw (stored) blocks of `block` bytes: what fzstd decodes without any entropy coding. */
function zstdRaw(data: Buffer, block: number): Buffer {
  // Magic, then a frame header: no content size, no checksum, a 128 KiB window (exponent 7).
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 7 << 3])];
  for (let at = 0; at < data.length; at += block) {
    const size = Math.min(block, data.length - at);
    const last = at + size >= data.length ? 1 : 0;
    const h = (size << 3) | last; // block type 0: raw
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), data.subarray(at, at + size));
  }
  return Buffer.concat(parts);
}

/** A BlobWriter whose writes take a while, recording what it was given. */
function slowWriter(ms: number, failAt = Infinity): BlobWriter & { got: Buffer[]; busy: number; maxBusy: number } {
  const w = {
    got: [] as Buffer[],
    busy: 0,
    maxBusy: 0,
    bytes: 0,
    async write(chunk: Buffer) {
      w.busy++;
      w.maxBusy = Math.max(w.maxBusy, w.busy);
      await new Promise((r) => setTimeout(r, ms));
      w.busy--;
      if (w.bytes + chunk.length > failAt) throw new Error('disk full');
      w.got.push(Buffer.from(chunk));
      w.bytes += chunk.length;
    },
    commit: async () => ({ digest: sha256(Buffer.concat(w.got)), size: w.bytes, existed: false }),
    abort: async () => undefined,
  };
  return w;
}

describe('WriteAhead', () => {
  it('runs ahead of slow writes by at most its limit, one write at a time, bytes in order', async () => {
    const writer = slowWriter(2);
    const ahead = new WriteAhead(writer, 256 * 1024);
    const input = randomBytes(3 * 1024 * 1024);
    let waits = 0;
    for (let i = 0; i < input.length; i += 64 * 1024) {
      const p = ahead.write(input.subarray(i, i + 64 * 1024));
      if (p) {
        waits++;
        await p;
      }
      // Queued and not yet handed to the writer: never more than the limit plus one chunk.
      expect((ahead as unknown as { queued: number }).queued).toBeLessThanOrEqual(256 * 1024 + 64 * 1024);
    }
    const { digest, size } = await ahead.commit();
    expect(waits).toBeGreaterThan(0);
    expect(writer.maxBusy).toBe(1);
    expect(size).toBe(input.length);
    expect(digest).toBe(sha256(input));
  });

  it('gathers small chunks into one write of a batch (writev on the file store); the tail is written at commit', async () => {
    const { store, dir, dispose } = await tempStore();
    cleanups.push(dispose);
    const w = store.create();
    const calls: number[] = [];
    const counted = Object.assign(Object.create(w), {
      write: (c: Buffer) => (calls.push(1), w.write(c)),
      writeMany: (cs: Buffer[]) => (calls.push(cs.length), w.writeMany!(cs)),
      commit: () => w.commit(),
    }) as BlobWriter;
    const ahead = new WriteAhead(counted, 2 * 1024 * 1024, 1024 * 1024);
    const input = randomBytes(3 * 1024 * 1024 + 5000);
    for (let i = 0; i < input.length; i += 64 * 1024) {
      const p = ahead.write(input.subarray(i, i + 64 * 1024));
      if (p) await p;
    }
    // 49 chunks of 64 KiB: 16 per write, and the 5000-byte tail with the last ones.
    expect(calls.length).toBeLessThanOrEqual(4);
    expect(calls.slice(0, -1).every((n) => n >= 16)).toBe(true);
    const { digest, size } = await ahead.commit();
    expect(calls.reduce((a, b) => a + b, 0)).toBe(49);
    expect(size).toBe(input.length);
    expect(digest).toBe(sha256(input));
    expect(sha256(await readFile(join(dir, 'sha256', digest.slice(7))))).toBe(sha256(input));
  });

  it('a failed write fails the next write or the commit, never as an unhandled rejection', async () => {
    const writer = slowWriter(1, 100 * 1024);
    const ahead = new WriteAhead(writer, 1024 * 1024);
    for (let i = 0; i < 4; i++) ahead.write(Buffer.alloc(64 * 1024));
    await expect(ahead.commit()).rejects.toThrow('disk full');
    await expect(Promise.resolve(ahead.write(Buffer.alloc(1)))).rejects.toThrow('disk full');
  });
});
