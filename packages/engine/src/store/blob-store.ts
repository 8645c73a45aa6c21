import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, unlink, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

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
   * Where blobs sit as files, for positional reads through one handle per blob (large layer
   * tars read piecewise); null for a store that keeps no files, read through `open` instead.
   */
  readonly files: BlobFiles | null;
}

/** A store's blobs as files on the local filesystem. */
export interface BlobFiles {
  pathOf(digest: string): string;
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

/** A BlobStore in a directory: `<dir>/sha256/<hex>`, temp files in `<dir>/tmp`. */
export class FsBlobStore implements BlobStore, BlobFiles {
  readonly files: BlobFiles = this;

  constructor(readonly dir: string) {}

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
      return (await stat(this.pathOf(digest))).size;
    } catch {
      return null;
    }
  }

  open(digest: string, range?: { start: number; end?: number }): Readable {
    // createReadStream cannot express an empty range (end: -1 throws on Node 20).
    if (range && range.end !== undefined && range.end <= range.start) return Readable.from([]);
    const opts = range ? { start: range.start, end: range.end === undefined ? undefined : range.end - 1 } : undefined;
    return createReadStream(this.pathOf(digest), opts);
  }

  async delete(digest: string): Promise<void> {
    await rm(this.pathOf(digest), { force: true });
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
    if (await this.store.has(digest)) {
      await unlink(this.tmp).catch(() => undefined);
      return { digest, size: this.bytes, existed: true };
    }
    await rename(this.tmp, target);
    return { digest, size: this.bytes, existed: false };
  }

  async abort(): Promise<void> {
    const out = this.out;
    if (out && !out.closed) await new Promise<void>((resolve) => { out.once('close', () => resolve()); out.destroy(); });
    await rm(this.tmp, { force: true });
  }
}
