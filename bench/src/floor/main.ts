/**
 * The floor: the least work any tool must do to verify an image archive, in Node, in one pass —
 * read the file, sha256 every blob as stored and, for a gzip blob, gunzip it and sha256 the
 * result (the diff_id). No storing, no indexing. Prints one JSON line: { ms, bytes, blobs }.
 * Usage: node --import tsx src/floor/main.ts <archive>
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { createGunzip, type Gunzip } from 'node:zlib';

const file = process.argv[2];
if (!file) throw new Error('usage: floor <archive>');

interface Blob {
  left: number;
  pad: number;
  hash: Hash;
  sniffed: boolean;
  gunzip: Gunzip | null;
  done: Promise<void> | null;
}

const t0 = performance.now();
let bytes = 0;
let blobs = 0;
let header = Buffer.alloc(0);
let current: Blob | null = null;
let skip = 0;

async function take(chunk: Buffer): Promise<void> {
  let at = 0;
  while (at < chunk.length) {
    if (skip > 0) {
      const n = Math.min(skip, chunk.length - at);
      skip -= n;
      at += n;
      continue;
    }
    if (current) {
      const n = Math.min(current.left, chunk.length - at);
      const part = chunk.subarray(at, at + n);
      await feed(current, part);
      current.left -= n;
      at += n;
      if (current.left === 0) {
        await end(current);
        skip = current.pad;
        current = null;
      }
      continue;
    }
    const need = 512 - header.length;
    header = Buffer.concat([header, chunk.subarray(at, at + need)]);
    at += Math.min(need, chunk.length - at);
    if (header.length < 512) continue;
    const h = header;
    header = Buffer.alloc(0);
    if (h.every((b) => b === 0)) continue;
    const size = parseInt(h.subarray(124, 136).toString('latin1').replace(/\0.*$/, '').trim() || '0', 8);
    const type = String.fromCharCode(h[156] || 0x30);
    const pad = (512 - (size % 512)) % 512;
    if ((type === '0' || type === '7') && size > 0) {
      current = { left: size, pad, hash: createHash('sha256'), sniffed: false, gunzip: null, done: null };
      blobs++;
    } else {
      skip = size + pad;
    }
  }
}

async function feed(b: Blob, part: Buffer): Promise<void> {
  b.hash.update(part);
  if (!b.sniffed) {
    b.sniffed = true;
    if (part[0] === 0x1f && part[1] === 0x8b) {
      const gunzip = createGunzip({ chunkSize: 64 * 1024 });
      const diff = createHash('sha256');
      gunzip.on('data', (u: Buffer) => diff.update(u));
      b.gunzip = gunzip;
      b.done = once(gunzip, 'end').then(() => void diff.digest('hex'));
    }
  }
  if (b.gunzip && !b.gunzip.write(part)) await once(b.gunzip, 'drain');
}

async function end(b: Blob): Promise<void> {
  b.hash.digest('hex');
  if (b.gunzip) {
    b.gunzip.end();
    await b.done;
  }
}

for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
  bytes += (chunk as Buffer).length;
  await take(chunk as Buffer);
}
process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0, bytes, blobs })}\n`);
