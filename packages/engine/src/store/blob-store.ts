import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, unlink, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { decodeGzipIndex, encodeGzipIndex, readIndexedGzip, type GzipIndex } from '../compress/gzip-index.js';
import { IndexedBlobReader, compressedBytes } from './indexed-reader.js';

/**
 * Content-addressed blob storage. Blobs are written to a temp file while hashed, then renamed to
 * their digest, so a half-written blob is never visible and a blob is stored once.
 */
export interface BlobStore {
  /** Starts a new blob. Write, then commit (keeps it under its sha256) or abort (drops it). */
  create(): BlobWriter;
  has(digest: string): Promise<boolean>;
  size(digest: string): Promise<number | null>;
  /** Reads a blob, or the byte range [start, end) of it. */
  open(digest: string, range?: { start: number; end?: number }): Readable;
  delete(digest: string): Promise<void>;
  /**
   * Positional reads through one handle per blob (large layer tars read piecewise); null for a
   * store without them, read through `open` instead.
   */
  readonly files: BlobFiles | null;
  /**
   * Keeps a gzip layer's uncompressed tar as an index into its compressed blob instead of a
   * second copy; null: the store keeps every blob whole (the tar is written out).
   */
  readonly indexes: BlobIndexes | null;
}

/** A store whose blobs can be read by position through a handle. */
export interface BlobFiles {
  openReader(digest: string): Promise<BlobReader>;
}

/** A handle's positional reads (a FileHandle is one). */
export interface BlobReader {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

export interface BlobIndexes {
  /**
   * Stores blob `digest` (`index.size` bytes) as the gunzipped bytes of the stored blob
   * `source`: read through `open`, `files` and `size` like any other blob, inflated from the
   * index's nearest checkpoint. `existed`: the store already had `digest`.
   */
  put(digest: string, source: string, index: GzipIndex): Promise<{ existed: boolean }>;
}

export interface BlobWriter {
  /** Resolves when the writer can take more (backpressure). */
  write(chunk: Buffer): Promise<void>;
  /**
   * Like write, but resolves only once the store holds no reference to `chunk`, so the caller
   * may reuse the buffer (a stream of fresh 1 MiB buffers costs V8 full collections).
   */
  writeSettled?(chunk: Buffer): Promise<void>;
  /** Like write, for several chunks in order: one disk write (writev) instead of one per chunk. */
  writeMany?(chunks: Buffer[]): Promise<void>;
  /** Bytes written so far. */
  readonly bytes: number;
  /** Finishes the blob; `existed` is true when the store already had it (the temp file is dropped). */
  commit(): Promise<{ digest: string; size: number; existed: boolean }>;
  abort(): Promise<void>;
}

const HEX = /^[a-f0-9]{64}$/;

/** Parses `sha256:<hex>` and returns the hex part, or throws on anything else (no path tricks). */
export function digestHex(digest: string): string {
  const [alg, hex] = digest.split(':');
  if (alg !== 'sha256' || !hex || !HEX.test(hex)) throw new Error(`not a sha256 digest: ${JSON.stringify(digest)}`);
  return hex;
}

/**
 * A BlobStore in a directory: `<dir>/sha256/<hex>`, temp files in `<dir>/tmp`. A blob kept as
 * an index is a folder `<dir>/sha256/<hex>/` of `<source hex>.gzi` files, one per compressed
 * blob it was read from (two layers may compress the same tar differently, and either may be
 * deleted first); whatever lists or deletes blobs by name sees it like any other.
 */
export class FsBlobStore implements BlobStore, BlobFiles, BlobIndexes {
  readonly files: BlobFiles = this;
  readonly indexes: BlobIndexes | null;
  /** Decoded indexes recently read (a file read must not parse its index again). */
  private readonly indexCache = new Map<string, { index: GzipIndex; source: string }>();

  /** `gzipIndexes: false`: keep an uncompressed copy of every gzip layer instead of an index. */
  constructor(readonly dir: string, options: { gzipIndexes?: boolean } = {}) {
    this.indexes = options.gzipIndexes === false ? null : this;
  }

  async init(): Promise<this> {
    await mkdir(join(this.dir, 'sha256'), { recursive: true });
    await mkdir(join(this.dir, 'tmp'), { recursive: true });
    return this;
  }

  /** Deletes temp files left by a process that was killed mid-write. */
  async cleanTemp(): Promise<number> {
    const names = await readdir(join(this.dir, 'tmp')).catch(() => [] as string[]);
    await Promise.all(names.map((n) => rm(join(this.dir, 'tmp', n), { force: true })));
    return names.length;
  }

  pathOf(digest: string): string {
    return join(this.dir, 'sha256', digestHex(digest));
  }

  create(): BlobWriter {
    return new FsBlobWriter(this, join(this.dir, 'tmp', randomUUID()));
  }

  async has(digest: string): Promise<boolean> {
    return (await this.size(digest)) !== null;
  }

  async size(digest: string): Promise<number | null> {
    try {
      const s = await stat(this.pathOf(digest));
      if (!s.isDirectory()) return s.size;
      return (await this.indexOf(digest))?.index.size ?? null;
    } catch {
      return null;
    }
  }

  open(digest: string, range?: { start: number; end?: number }): Readable {
    // createReadStream cannot express an empty range (end: -1 throws on Node 20).
    if (range && range.end !== undefined && range.end <= range.start) return Readable.from([]);
    const opts = range ? { start: range.start, end: range.end === undefined ? undefined : range.end - 1 } : undefined;
    return Readable.from(this.bytes(digest, opts, range), { objectMode: false });
  }

  private async *bytes(digest: string, opts: { start: number; end?: number } | undefined, range?: { start: number; end?: number }): AsyncGenerator<Buffer> {
    const path = this.pathOf(digest);
    if ((await stat(path)).isDirectory()) yield* this.readIndexed(digest, range?.start ?? 0, range?.end ?? Infinity);
    else yield* createReadStream(path, opts) as AsyncIterable<Buffer>;
  }

  private async *readIndexed(digest: string, start: number, end: number): AsyncGenerator<Buffer> {
    const found = await this.indexOf(digest);
    if (!found) throw Object.assign(new Error(`no index of ${digest} has its compressed blob`), { code: 'ENOENT' });
    const fh = await open(this.pathOf(found.source), 'r');
    try {
      yield* readIndexedGzip(found.index, compressedBytes(fh), start, Math.min(end, found.index.size), digest);
    } finally {
      await fh.close();
    }
  }

  async openReader(digest: string): Promise<BlobReader> {
    // A folder opens too (O_RDONLY), only its reads fail: ask first.
    const fh = await open(this.pathOf(digest), 'r');
    if (!(await fh.stat()).isDirectory()) return fh;
    await fh.close();
    const found = await this.indexOf(digest);
    if (!found) throw Object.assign(new Error(`no index of ${digest} has its compressed blob`), { code: 'ENOENT' });
    return new IndexedBlobReader(found.index, await open(this.pathOf(found.source), 'r'), digest);
  }

  /** The first index of `digest` whose compressed blob is still stored. */
  private async indexOf(digest: string): Promise<{ index: GzipIndex; source: string } | null> {
    const cached = this.indexCache.get(digest);
    if (cached && (await this.isFile(cached.source))) return cached;
    const names = await readdir(this.pathOf(digest)).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const m = /^([a-f0-9]{64})\.gzi$/.exec(name);
      if (!m) continue;
      const source = `sha256:${m[1]}`;
      if (!(await this.isFile(source))) continue;
      const index = decodeGzipIndex(await readFile(join(this.pathOf(digest), name)), digest);
      const found = { index, source };
      if (this.indexCache.size >= 64) this.indexCache.delete(this.indexCache.keys().next().value!);
      this.indexCache.set(digest, found);
      return found;
    }
    return null;
  }

  private async isFile(digest: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(digest))).isFile();
    } catch {
      return false;
    }
  }

  async put(digest: string, source: string, index: GzipIndex): Promise<{ existed: boolean }> {
    const dir = this.pathOf(digest);
    const existed = await this.has(digest);
    if (existed && (await this.isFile(digest))) return { existed };
    await mkdir(dir, { recursive: true });
    const tmp = join(this.dir, 'tmp', randomUUID());
    await writeFile(tmp, encodeGzipIndex(index), { flag: 'wx' });
    await rename(tmp, join(dir, `${digestHex(source)}.gzi`));
    return { existed };
  }

  async delete(digest: string): Promise<void> {
    this.indexCache.delete(digest);
    await rm(this.pathOf(digest), { force: true, recursive: true });
  }
}

class FsBlobWriter implements BlobWriter {
  private readonly hash = createHash('sha256');
  private out: WriteStream | null = null;
  private failed: Error | null = null;
  bytes = 0;

  constructor(private readonly store: FsBlobStore, private readonly tmp: string) {}

  private stream(): WriteStream {
    if (!this.out) {
      this.out = createWriteStream(this.tmp, { flags: 'wx' });
      this.out.on('error', (e) => (this.failed = e));
    }
    return this.out;
  }

  write(chunk: Buffer): Promise<void> {
    return this.writeMany([chunk]);
  }

  writeMany(chunks: Buffer[]): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const out = this.stream();
    for (const chunk of chunks) {
      this.hash.update(chunk);
      this.bytes += chunk.length;
    }
    // Corked, the chunks leave as one writev when uncorked: each fs write is a round trip to the
    // thread pool that wakes a thread on this 2-core box.
    if (chunks.length > 1) out.cork();
    let room = true;
    for (const chunk of chunks) room = out.write(chunk);
    if (chunks.length > 1) out.uncork();
    if (room) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onDrain = () => { out.off('error', onError); resolve(); };
      const onError = (e: Error) => { out.off('drain', onDrain); reject(e); };
      out.once('drain', onDrain);
      out.once('error', onError);
    });
  }

  writeSettled(chunk: Buffer): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    this.hash.update(chunk);
    this.bytes += chunk.length;
    return new Promise((resolve, reject) => {
      this.stream().write(chunk, (e) => (e ? reject(e) : resolve()));
    });
  }

  async commit(): Promise<{ digest: string; size: number; existed: boolean }> {
    const out = this.stream();
    await new Promise<void>((resolve, reject) => {
      out.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (this.failed) throw this.failed;
    const digest = `sha256:${this.hash.digest('hex')}`;
    const target = this.store.pathOf(digest);
    const held = await stat(target).catch(() => null);
    if (held?.isFile()) {
      await unlink(this.tmp).catch(() => undefined);
      return { digest, size: this.bytes, existed: true };
    }
    // Held as an index, the blob is stored as a file now: one reads it without inflating.
    const existed = held !== null && (await this.store.has(digest));
    if (existed) await this.store.delete(digest);
    await rename(this.tmp, target);
    return { digest, size: this.bytes, existed };
  }

  async abort(): Promise<void> {
    const out = this.out;
    if (out && !out.closed) await new Promise<void>((resolve) => { out.once('close', () => resolve()); out.destroy(); });
    await rm(this.tmp, { force: true });
  }
}

