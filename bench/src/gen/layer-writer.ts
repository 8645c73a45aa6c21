import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { TarWriter, type ByteSink, type TarWriteHeader } from '@peel/engine';
import { fileBytes, fileChunks } from './content.js';
import type { LayerPlan, PlanEntry } from './plan.js';
import { ByteStream } from './prng.js';

export interface WrittenLayer {
  /** sha256 of the file as written (compressed if gzip). */
  digest: string;
  size: number;
  diffId: string;
  uncompressedSize: number;
  entries: number;
  files: number;
  contentBytes: number;
}

const MTIME = 1_704_067_200;
const BATCH = 1 << 20;

/** Writes one layer with the engine's TarWriter (gzip level 6 when planned), hashing both forms as it goes. */
export async function writeLayer(plan: LayerPlan, seed: number, mtime: number, file: string): Promise<WrittenLayer> {
  const diff = createHash('sha256');
  const blob = createHash('sha256');
  let size = 0;
  let usize = 0;
  const pass = new PassThrough({ highWaterMark: 4 * BATCH });
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      blob.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const out = createWriteStream(file);
  const done = plan.gzip ? pipeline(pass, createGzip({ level: plan.gzipLevel ?? 6 }), tap, out) : pipeline(pass, tap, out);
  // TarWriter writes headers, bodies and padding separately: batch them into 1 MiB writes.
  let buf = Buffer.allocUnsafe(BATCH);
  let used = 0;
  const flush = async () => {
    if (used === 0) return;
    const out = buf.subarray(0, used);
    buf = Buffer.allocUnsafe(BATCH);
    used = 0;
    diff.update(out);
    usize += out.length;
    if (!pass.write(out)) await once(pass, 'drain');
  };
  const sink: ByteSink = {
    async write(chunk) {
      if (chunk.length >= BATCH) {
        await flush();
        diff.update(chunk);
        usize += chunk.length;
        if (!pass.write(chunk)) await once(pass, 'drain');
        return;
      }
      if (used + chunk.length > BATCH) await flush();
      chunk.copy(buf, used);
      used += chunk.length;
    },
  };
  const tar = new TarWriter(sink);
  const bytes = new ByteStream(seed);
  let files = 0;
  let contentBytes = 0;
  let entries = 0;
  for (const e of plan.entries) {
    entries++;
    const h = header(e, mtime);
    if (e.type === 'file') {
      files++;
      contentBytes += e.size;
      await tar.add(h, e.size <= BATCH ? fileBytes(bytes, e.size, e.fill) : asAsync(fileChunks(bytes, e.size, e.fill)));
    } else {
      await tar.add(h);
    }
  }
  await tar.finish();
  await flush();
  pass.end();
  await done;
  return { digest: `sha256:${blob.digest('hex')}`, size, diffId: `sha256:${diff.digest('hex')}`, uncompressedSize: usize, entries, files, contentBytes };
}

function header(e: PlanEntry, mtime: number): TarWriteHeader {
  const common = { mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', size: 0, mtime: MTIME + mtime };
  switch (e.type) {
    case 'dir':
      return { ...common, name: `${e.path}/`, type: 'dir', mode: 0o755 };
    case 'file':
      return { ...common, name: e.path, type: 'file', mode: e.mode, size: e.size };
    case 'symlink':
      return { ...common, name: e.path, type: 'symlink', mode: 0o777, linkName: e.target };
    case 'hardlink':
      return { ...common, name: e.path, type: 'hardlink', linkName: e.target };
    case 'whiteout':
      return { ...common, name: withBase(e.path, (b) => `.wh.${b}`), type: 'file' };
    case 'opaque':
      return { ...common, name: `${e.path}/.wh..wh..opq`, type: 'file' };
  }
}

async function* asAsync(chunks: Iterable<Buffer>): AsyncGenerator<Buffer> {
  yield* chunks;
}

function withBase(path: string, f: (base: string) => string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? f(path) : `${path.slice(0, i + 1)}${f(path.slice(i + 1))}`;
}
