import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { FsBlobStore, openEntryContent, openImageArchive, type ImageArchive, type LayerEntry } from '../src/index.js';
import { readIndexedGzip } from '../src/compress/gzip-index.js';
import { IndexingGunzip } from '../src/compress/indexing-gunzip.js';
import { sha256, tar } from './build.js';

/**
 * A gzip layer is kept as its compressed blob plus an index of restart points; any byte range
 * of any file must still read back exactly as GNU tar extracts it (the oracle), from one gzip
 * member or several, by ranged streams and by positional reads in any order.
 */

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'peel-gzi-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Deterministic bytes: words (compress ~4:1) or noise (do not compress), by seed. */
function content(seed: number, size: number, text: boolean): Buffer {
  let x = seed * 2654435761 + 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const words = ['layer', 'gzip', 'index', 'window', 'block', 'deflate', 'peel', 'tar', '\n', 'checkpoint', 'bytes', '{"k": 1}'];
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; ) {
    if (text) {
      const w = words[next() % words.length] + ' ';
      i += out.write(w, i, 'latin1');
    } else {
      out[i++] = next() & 0xff;
    }
  }
  return out;
}

/** A tree of files on disk, tarred by GNU tar: about 20 MiB, text and noise, a few large files. */
async function layerTar(): Promise<{ tarFile: string; root: string }> {
  const root = join(work, 'root');
  for (let i = 0; i < 160; i++) {
    const dir = join(root, `d${i % 7}`);
    await mkdir(dir, { recursive: true });
    const size = i % 40 === 0 ? 3 * 1024 * 1024 + i : (i * 7919) % 150_000;
    await writeFile(join(dir, `f${i}.${i % 3 === 0 ? 'bin' : 'txt'}`), content(i + 1, size, i % 3 !== 0));
  }
  await writeFile(join(root, 'empty'), '');
  const tarFile = join(work, 'layer.tar');
  execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-cf', tarFile, '-C', root, '.']);
  return { tarFile, root };
}

async function archiveOf(blob: Buffer, diffId: string): Promise<Buffer> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] }, history: [{ created_by: 'gzip layer' }] }));
  const cfg = `${sha256(config).slice(7)}.json`;
  const manifest = Buffer.from(JSON.stringify([{ Config: cfg, RepoTags: ['test/gzi:1'], Layers: ['l/layer.tar'] }]));
  return tar([{ name: cfg, data: config }, { name: 'l/layer.tar', data: blob }, { name: 'manifest.json', data: manifest }]);
}

/** Bytes the store holds on disk, the index folders' files included. */
async function storedBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  }
  return total;
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('the index of a gzip stream', () => {
  it('restarts inflation exactly at every checkpoint, in noise (stored blocks) and in text', async () => {
    // Text at level 6 and noise at level 0 taking turns: a stored block right after each
    // Huffman-coded one, starting at any bit (where a wrong bit offset can read as a final block).
    const parts: Buffer[] = [];
    const deflate = createGzip({ level: 6 });
    const compressed: Buffer[] = [];
    deflate.on('data', (c: Buffer) => compressed.push(c));
    const ended = new Promise((resolve) => deflate.on('end', resolve));
    for (let i = 0; i < 300; i++) {
      for (const [level, part] of [[6, content(i + 9, 3000 + i, true)], [0, content(i + 9, 20_000 + i, false)]] as const) {
        // zlib's deflateParams (Node has it; its types do not): ends the block, switches level.
        await new Promise<void>((resolve) => (deflate as unknown as { params(level: number, strategy: number, cb: () => void): void }).params(level, 0, resolve));
        parts.push(part);
        deflate.write(part);
      }
    }
    const tail = content(7, 4 << 20, true);
    parts.push(tail);
    deflate.end(tail);
    await ended;
    const data = Buffer.concat(parts);
    const gz = Buffer.concat(compressed);
    // Checkpoints every 64 KiB instead of 4 MiB: dozens of boundaries to get right.
    const gunzip = new IndexingGunzip('test blob', 64 * 1024);
    const pieces = Array.from({ length: Math.ceil(gz.length / 999_999) }, (_, i) => gz.subarray(i * 999_999, (i + 1) * 999_999));
    let size = 0;
    await pipeline(Readable.from(pieces), gunzip, new Writable({ write: (c: Buffer, _e, cb) => void ((size += c.length), cb()) }));
    expect(size).toBe(data.length);
    const { digest, index } = gunzip.result!;
    expect(digest).toBe(sha256(data));
    expect(index.size).toBe(data.length);
    expect(index.checkpoints.length).toBeGreaterThan(20);
    const read = async (position: number, length: number) => gz.subarray(position, position + length);
    for (const cp of index.checkpoints) {
      // From this checkpoint alone: 64 KiB must come out as the original bytes.
      const alone = { size: data.length - cp.out, checkpoints: [{ ...cp, out: 0 }] };
      const got = await readAll(readIndexedGzip(alone, read, 0, Math.min(65_536, alone.size), 'test blob'));
      expect(got.equals(data.subarray(cp.out, cp.out + got.length)) && got.length === Math.min(65_536, alone.size)).toBe(true);
    }
  }, 120_000);
});

describe('gzip layers kept as blob + index', () => {
  let tarFile: string;
  let extracted: string;
  let tarBytes: Buffer;

  beforeAll(async () => {
    ({ tarFile } = await layerTar());
    tarBytes = await readFile(tarFile);
    // The oracle: what GNU tar extracts from the layer.
    extracted = join(work, 'extracted');
    await mkdir(extracted);
    execFileSync('tar', ['-xf', tarFile, '-C', extracted]);
  });

  for (const members of [1, 3]) {
    it(`reads random byte ranges of every file as GNU tar extracts them (${members} gzip member${members > 1 ? 's' : ''})`, async () => {
      // gzip -6 of the tar, or of its thirds, concatenated: one multi-member stream.
      const cuts = Array.from({ length: members + 1 }, (_, i) => Math.floor((tarBytes.length * i) / members));
      const blob = Buffer.concat(cuts.slice(1).map((end, i) => execFileSync('gzip', ['-6', '-c', '-n'], { input: tarBytes.subarray(cuts[i], end), maxBuffer: 1 << 30 })));
      const dir = await mkdtemp(join(work, 'store-'));
      const store = await new FsBlobStore(dir).init();
      const archiveFile = join(work, `image-${members}.tar`);
      await writeFile(archiveFile, await archiveOf(blob, sha256(tarBytes)));
      const archive: ImageArchive = await openImageArchive(createReadStream(archiveFile), store);
      const layer = archive.image.layers[0];
      expect(layer.diffId).toBe(sha256(tarBytes));

      // No uncompressed copy: the blob, the archive's small files and an index of ~1 %.
      expect((await stat(store.pathOf(layer.tarBlob))).isDirectory()).toBe(true);
      expect(await storedBytes(dir)).toBeLessThan(blob.length * 1.05);
      expect(await store.size(layer.tarBlob)).toBe(tarBytes.length);

      const files = archive.layerScans.get(layer.blob)!.entries.filter((e: LayerEntry) => e.type === 'file');
      expect(files.length).toBe(161);
      let x = 12345;
      const rand = (n: number) => {
        x = (x * 1103515245 + 12345) % 2147483648;
        return x % Math.max(1, n);
      };
      for (const [n, entry] of files.entries()) {
        const want = await readFile(join(extracted, entry.path));
        expect(sha256(await readAll(openEntryContent(store, layer.tarBlob, entry)))).toBe(sha256(want));
        // Each ranged read restarts at a checkpoint (a few ms of inflating): a share of the files.
        for (let i = 0; i < 2 && want.length > 0 && n % 3 === 0; i++) {
          const start = rand(want.length);
          const end = start + 1 + rand(want.length - start);
          expect((await readAll(openEntryContent(store, layer.tarBlob, entry, { start, end }))).equals(want.subarray(start, end))).toBe(true);
        }
      }

      // Positional reads through one handle, jumping back and forth across checkpoints.
      const reader = await store.files!.openReader(layer.tarBlob);
      try {
        for (let i = 0; i < 40; i++) {
          const position = rand(tarBytes.length);
          const length = 1 + rand(300_000);
          const buffer = Buffer.alloc(length);
          const { bytesRead } = await reader.read(buffer, 0, length, position);
          expect(bytesRead).toBe(Math.min(length, tarBytes.length - position));
          expect(buffer.subarray(0, bytesRead).equals(tarBytes.subarray(position, position + bytesRead))).toBe(true);
        }
      } finally {
        await reader.close();
      }
      await rm(dir, { recursive: true, force: true });
    }, 120_000);
  }

  it('a store without indexes writes the uncompressed tar out, as before', async () => {
    const blob = execFileSync('gzip', ['-1', '-c', '-n'], { input: tarBytes, maxBuffer: 1 << 30 });
    const dir = await mkdtemp(join(work, 'plain-'));
    const store = await new FsBlobStore(dir, { gzipIndexes: false }).init();
    const archive = await openImageArchive([await archiveOf(blob, sha256(tarBytes))], store);
    const tarBlob = archive.image.layers[0].tarBlob;
    expect((await stat(store.pathOf(tarBlob))).isFile()).toBe(true);
    expect(sha256(await readFile(store.pathOf(tarBlob)))).toBe(sha256(tarBytes));
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
});
