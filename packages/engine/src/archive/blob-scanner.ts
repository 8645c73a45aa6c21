import type { Transform } from 'node:stream';
import { EngineError } from '../errors.js';
import { createDecompressor } from '../compress/decompressor.js';
import { IndexingGunzip } from '../compress/indexing-gunzip.js';
import { sniffCompression, type Detected } from '../compress/sniff.js';
import { expansionError } from './expansion.js';
import { LayerIndexer, type LayerIndex, type LayerIndexLimits } from '../layer/indexer.js';
import { WriteAhead } from './write-ahead.js';
import type { BlobStore } from '../store/blob-store.js';
import type { Compression } from '../types.js';

/** What one file of the outer archive turned out to be, learnt in the single pass. */
export interface ScannedFile {
  path: string;
  digest: string;
  size: number;
  compression: Detected;
  /** The bytes, when the file looks like JSON and is small enough to parse later. */
  json: Buffer | null;
  /** Set when the file is JSON-looking but over the JSON size limit. */
  jsonTooLarge: boolean;
  /** The layer index, when the (decompressed) bytes are a tar. */
  layer: (LayerIndex & { compression: Compression; tarBlob: string }) | null;
  /** Why the bytes are not a usable layer (only an error if something references it as a layer). */
  layerError: EngineError | null;
}

/** A blob that indexed as a layer tar: what `ScanOptions.onLayer` receives. */
export interface ScannedLayer extends LayerIndex {
  /** Path of the blob in the archive. */
  path: string;
  /** sha256 and size of the blob as stored. */
  digest: string;
  size: number;
  compression: Compression;
  tarBlob: string;
}

export interface ScanLimits extends LayerIndexLimits {
  /** Layer entries of all blobs together after which the archive is refused (memory). */
  maxEntriesPerArchive?: number;
  maxJsonBytes: number;
  /** Refuse a compressed blob that expands more than this (see expansion.ts); 0: no check. */
  maxExpansionRatio: number;
}

type Mode = 'sniffing' | 'json' | 'tar' | 'compressed' | 'opaque';

/**
 * Takes one outer-archive file as it streams: stores it by digest and, depending on its first
 * bytes, buffers it as JSON, indexes it as a tar, or decompresses and indexes it (storing the
 * uncompressed tar too, so file bytes can later be read back by offset).
 */
export class BlobScanner {
  private readonly stored: WriteAhead;
  private mode: Mode = 'sniffing';
  private head: Buffer[] = [];
  private headBytes = 0;
  private json: Buffer[] = [];
  private jsonBytes = 0;
  private jsonTooLarge = false;
  private indexer: LayerIndexer | null = null;
  private decomp: Transform | null = null;
  private decompDone: Promise<void> | null = null;
  /** Compressed bytes gathered for the decompressor's next chunk (see feedDecompressor). */
  private gather: Buffer | null = null;
  private gathered = 0;
  /** Settles when the chunk last handed to the decompressor has been inflated. */
  private inflating: Promise<void> | null = null;
  private readonly inflateWaiters = new Set<() => void>();
  /** Inflated chunks waiting to be indexed (see inflated()). */
  private inflatedQueue: Buffer[] = [];
  private inflatedBytes = 0;
  private indexing: Promise<void> | null = null;
  private tarWriter: WriteAhead | null = null;
  private detected: Detected = 'none';
  private layerError: EngineError | null = null;
  /** A limit was hit (a bomb, a path past PATH_MAX…): the whole archive is refused at once. */
  private fatal: EngineError | null = null;
  private rawBytes = 0;
  private expanded = 0;

  /** `entriesBefore`: layer entries the blobs before this one held (see maxEntriesPerArchive). */
  constructor(private readonly store: BlobStore, readonly path: string, private readonly limits: ScanLimits, private readonly onCommit: (digest: string, existed: boolean) => void, private readonly entriesBefore = 0) {
    this.stored = new WriteAhead(store.create());
  }

  /** Its first bytes are a tar, plain or compressed: a layer, if the manifest names it so. */
  get looksLikeLayer(): boolean {
    return this.mode === 'tar' || this.mode === 'compressed';
  }

  async write(chunk: Buffer): Promise<void> {
    await this.stored.write(chunk);
    this.rawBytes += chunk.length;
    await this.take(chunk);
    if (this.fatal) throw this.fatal;
  }

  private async take(chunk: Buffer): Promise<void> {
    if (this.mode === 'sniffing') {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      // 512 bytes: enough to recognise a tar header before guessing JSON (a layer whose first
      // entry is `names/` starts with an `n`, like `null`).
      if (this.headBytes < TAR_BLOCK) return;
      const head = Buffer.concat(this.head);
      this.head = [];
      this.decide(head);
      await this.route(head);
      return;
    }
    await this.route(chunk);
  }

  private decide(head: Buffer): void {
    this.detected = sniffCompression(head);
    if (this.detected === 'gzip' || this.detected === 'zstd') {
      this.mode = 'compressed';
      // The diff_id is the digest of the uncompressed tar: hashed once, by its writer or, for a
      // gzip layer kept as an index into its blob, by the inflate worker.
      this.indexer = new LayerIndexer(this.path, this.limits, { hashStream: false });
      const indexed = this.detected === 'gzip' && this.store.indexes != null;
      if (!indexed) this.tarWriter = new WriteAhead(this.store.create());
      const decomp = indexed ? new IndexingGunzip(this.path) : createDecompressor(this.detected, this.path);
      this.decomp = decomp;
      const ended = new Promise<void>((resolve) => {
        decomp.on('data', (u: Buffer) => this.inflated(u));
        decomp.on('end', () => resolve());
        decomp.on('close', () => {
          for (const done of [...this.inflateWaiters]) done();
          resolve();
        });
        decomp.on('error', (e) => {
          this.failDecompression(e);
          resolve();
        });
      });
      // 'end' comes after the last 'data', but that chunk may still be queued for indexing.
      this.decompDone = ended.then(() => this.indexing ?? undefined);
    } else if (this.detected === 'bzip2' || this.detected === 'xz') {
      this.mode = 'opaque';
      this.layerError = new EngineError('UNSUPPORTED_COMPRESSION', `${this.path} is ${this.detected}-compressed; Peel reads uncompressed, gzip and zstd layers`, { subject: this.path });
    } else if (!isTarHeader(head) && looksLikeJson(head)) {
      this.mode = 'json';
    } else {
      this.mode = 'tar';
      // An uncompressed layer is its own tar: the stored blob's digest is the diff_id.
      this.indexer = new LayerIndexer(this.path, this.limits, { hashStream: false });
    }
  }

  private async route(chunk: Buffer): Promise<void> {
    switch (this.mode) {
      case 'json':
        if (this.jsonTooLarge) return;
        this.jsonBytes += chunk.length;
        if (this.jsonBytes > this.limits.maxJsonBytes) {
          this.jsonTooLarge = true;
          this.json = [];
          return;
        }
        this.json.push(chunk);
        return;
      case 'tar':
        this.indexer!.push(chunk);
        this.checkFatal();
        return;
      case 'compressed': {
        if (!this.decomp || this.decomp.destroyed) return;
        if (this.gathered > 0 && this.gathered + chunk.length > DECOMP_BATCH_BYTES) await this.feedDecompressor();
        // zstd decodes on this thread (fzstd): no round trips to save, and a bomb is caught sooner.
        if (chunk.length >= DECOMP_BATCH_BYTES || this.detected !== 'gzip') {
          await this.feedDecompressor(chunk);
          return;
        }
        this.gather ??= spareBatches.pop() ?? Buffer.allocUnsafeSlow(DECOMP_BATCH_BYTES);
        chunk.copy(this.gather, this.gathered);
        this.gathered += chunk.length;
        return;
      }
      default:
        return;
    }
  }

  /**
   * zlib (gzip) hands each inflated chunk over before it starts inflating the next one, so indexing it
   * right here (tar parsing, hashing: most of the ingest's main-thread time) would keep the
   * inflate thread idle meanwhile. Chunks are queued instead and indexed on the next turn of the
   * event loop, while the next chunk inflates on the other core; up to INFLATE_AHEAD_BYTES wait.
   */
  private inflated(u: Buffer): void {
    if (this.detected === 'zstd') {
      // fzstd decodes on this thread (nothing to overlap) and its chunks are views of a window
      // it reuses: they are indexed now, before the decoder runs again.
      const pending = this.onUncompressed(u);
      if (pending) {
        this.decomp?.pause();
        pending.then(() => this.decomp?.resume(), (e: Error) => this.failDecompression(e));
      }
      return;
    }
    this.inflatedQueue.push(u);
    this.inflatedBytes += u.length;
    if (this.inflatedBytes >= INFLATE_AHEAD_BYTES) this.decomp?.pause();
    this.indexing ??= this.indexQueued();
  }

  private async indexQueued(): Promise<void> {
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.inflatedQueue.length > 0) {
        const u = this.inflatedQueue.shift()!;
        this.inflatedBytes -= u.length;
        // Not destroyed: zlib destroys itself after 'end' while its last chunks wait here.
        if (this.stopped()) break;
        const pending = this.onUncompressed(u);
        if (pending) await pending;
        const decomp = this.decomp;
        if (decomp && decomp.isPaused() && this.inflatedBytes < INFLATE_AHEAD_BYTES && !decomp.destroyed) decomp.resume();
      }
    } catch (e) {
      this.failDecompression(e as Error);
    } finally {
      this.inflatedQueue = [];
      this.inflatedBytes = 0;
      this.indexing = null;
    }
  }

  /**
   * Hands the gathered gzip bytes (or one chunk as it is) to the decompressor. Each chunk written
   * is a round trip to zlib's thread that needs this thread to start the next: fed the upload's
   * 64 KiB chunks, inflating ran at half its speed (on large, the ingest waited on it 4.4 s of
   * 6.5 s). The bytes are copied into reused 1 MiB buffers, not concatenated into new ones: 800 MB
   * of fresh buffers cost V8 about 0.6 s of extra full collections. One batch inflates while the
   * next is gathered, hashed and stored.
   */
  private async feedDecompressor(asIs?: Buffer): Promise<void> {
    const decomp = this.decomp;
    // Only gzip gathers (zlib keeps nothing of a chunk it has consumed, so the buffer is reused).
    const pooled = asIs ? null : this.gather;
    const batch = asIs ?? this.gather?.subarray(0, this.gathered);
    this.gather = null;
    this.gathered = 0;
    if (!decomp || decomp.destroyed || !batch) return;
    const before = this.inflating;
    this.inflating = new Promise<void>((resolve) => {
      // A zlib error never calls the callback of the chunk it failed on: 'close' releases it.
      const done = (e?: Error | null) => {
        this.inflateWaiters.delete(done);
        // Done with, unless the stream broke off mid-chunk.
        if (pooled && !e && !decomp.destroyed && spareBatches.length < 4) spareBatches.push(pooled);
        resolve();
      };
      this.inflateWaiters.add(done);
      decomp.write(batch, done);
    });
    if (before) await before;
  }

  /** Inflating was stopped on purpose: not a layer after all, a limit, a decompression error. */
  private stopped(): boolean {
    return this.layerError !== null || this.fatal !== null || (this.indexer?.failure ?? null) !== null;
  }

  private onUncompressed(u: Buffer): Promise<void> | undefined {
    const indexer = this.indexer!;
    indexer.push(u);
    this.expanded += u.length;
    this.fatal ??= expansionError(this.path, this.expanded, this.rawBytes, this.limits.maxExpansionRatio);
    this.checkFatal();
    if (indexer.failure || this.fatal) {
      // Not a layer after all (or a bomb): stop inflating; the stored bytes are still kept.
      this.decomp?.destroy();
      return undefined;
    }
    return this.tarWriter?.write(u);
  }

  /** Limits are not about whether the file is a layer: they refuse the archive. */
  private checkFatal(): void {
    const failure = this.indexer?.failure;
    if (!this.fatal && failure?.code === 'LIMIT_EXCEEDED') this.fatal = failure;
    const max = this.limits.maxEntriesPerArchive;
    if (!this.fatal && max !== undefined && this.indexer && this.entriesBefore + this.indexer.entryCount > max) {
      this.fatal = new EntryCapError(max);
    }
  }

  private failDecompression(e: Error): void {
    if (!this.layerError) {
      if (e instanceof EngineError && e.code === 'LIMIT_EXCEEDED') this.fatal ??= e;
      const err = e instanceof EngineError ? e : new EngineError('DECOMPRESSION_FAILED', `${this.path} could not be ${this.detected}-decompressed: ${e.message} (truncated or corrupt blob?)`, { subject: this.path, cause: e });
      this.layerError = err;
    }
    this.decomp?.destroy();
  }

  async finish(): Promise<ScannedFile> {
    if (this.mode === 'sniffing') {
      const head = Buffer.concat(this.head);
      this.head = [];
      this.decide(head);
      await this.route(head);
    }
    if (this.gathered > 0) await this.feedDecompressor();
    if (this.decomp && !this.decomp.destroyed) {
      this.decomp.end();
    }
    if (this.decompDone) await this.decompDone;
    if (this.fatal) {
      this.indexer?.runs?.dispose();
      throw this.fatal;
    }
    const { digest, size, existed } = await this.stored.commit();
    this.onCommit(digest, existed);
    let layer: ScannedFile['layer'] = null;
    if (this.indexer && !this.layerError) {
      try {
        this.indexer.end();
        if (this.decomp instanceof IndexingGunzip) {
          const gunzipped = this.decomp.result;
          if (!gunzipped) throw new EngineError('DECOMPRESSION_FAILED', `${this.path} could not be gzip-decompressed: the inflater stopped early`, { subject: this.path });
          const tar = await this.store.indexes!.put(gunzipped.digest, digest, gunzipped.index);
          this.onCommit(gunzipped.digest, tar.existed);
          layer = { ...this.indexer.finish(gunzipped.digest), compression: 'gzip', tarBlob: gunzipped.digest };
        } else if (this.tarWriter) {
          const tar = await this.tarWriter.commit();
          this.onCommit(tar.digest, tar.existed);
          layer = { ...this.indexer.finish(tar.digest), compression: this.detected as Compression, tarBlob: tar.digest };
        } else {
          layer = { ...this.indexer.finish(digest), compression: 'none', tarBlob: digest };
        }
      } catch (e) {
        this.layerError = e as EngineError;
      }
    } else if (this.indexer && this.layerError === null) {
      this.layerError = this.indexer.failure;
    }
    if (!layer && this.tarWriter) await this.tarWriter.abort();
    if (!layer) this.indexer?.runs?.dispose();
    return {
      path: this.path,
      digest,
      size,
      compression: this.detected,
      json: this.mode === 'json' && !this.jsonTooLarge ? Buffer.concat(this.json) : null,
      jsonTooLarge: this.jsonTooLarge,
      layer,
      layerError: layer ? null : this.layerError,
    };
  }

  async abort(): Promise<void> {
    this.decomp?.destroy();
    this.indexer?.runs?.dispose();
    await Promise.all([this.stored.abort(), this.tarWriter?.abort()]);
  }
}

/** The archive-wide entry cap was hit; `limit` names the option, so callers can name their setting. */
export class EntryCapError extends EngineError {
  readonly limit = 'maxEntriesPerArchive';
  constructor(readonly max: number) {
    super('LIMIT_EXCEEDED', `the image's layers hold more than ${max} entries in all (the configured limit on entries per archive); refusing it, as its index would not fit in memory`);
  }
}

const TAR_BLOCK = 512;
/** Compressed bytes per chunk handed to the decompressor. */
const DECOMP_BATCH_BYTES = 1024 * 1024;
/** Batch buffers the decompressor is done with, for the next ones (any scanner's). */
const spareBatches: Buffer[] = [];
const INFLATE_AHEAD_BYTES = 2 * 1024 * 1024;

/** A valid tar header checksum in the first block (what every tar reader checks first). */
function isTarHeader(head: Buffer): boolean {
  if (head.length < TAR_BLOCK) return false;
  const stored = parseInt(head.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/g, '').trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : head[i];
  return sum === stored;
}

function looksLikeJson(head: Buffer): boolean {
  for (const b of head) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === 0x7b /* { */ || b === 0x5b /* [ */ || b === 0x6e /* n(ull) */ || b === 0x22 /* " */;
  }
  return head.length === 0 ? false : true;
}

