import { createHash, type Hash } from 'node:crypto';
import { createGzip, type Gzip } from 'node:zlib';
import { TarWriter } from '../tar/writer.js';
import type { BlobStore, BlobWriter } from '../store/blob-store.js';

export type OutputCompression = 'gzip' | 'none';

export interface BuiltLayer {
  blob: string;
  diffId: string;
  size: number;
  mediaType: string;
  compression: OutputCompression;
}

export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

/**
 * Writes a new layer into the store while it is produced: the tar goes through sha256 (its
 * diff_id) and, for gzip, a compressor, into a blob writer. Memory stays bounded.
 */
export class LayerBuilder {
  readonly tar: TarWriter;
  /** The diff_id; an uncompressed layer's is its blob digest, which the blob writer computes. */
  private readonly hash: Hash | null;
  private readonly out: BlobWriter;
  private readonly gzip: Gzip | null;
  private pending: Promise<void> = Promise.resolve();
  private failure: Error | null = null;

  constructor(store: BlobStore, readonly compression: OutputCompression) {
    this.out = store.create();
    this.gzip = compression === 'gzip' ? createGzip({ level: 6, chunkSize: 64 * 1024 }) : null;
    this.hash = this.gzip ? createHash('sha256') : null;
    if (this.gzip) {
      const gz = this.gzip;
      gz.on('error', (e) => (this.failure ??= e));
      gz.on('data', (c: Buffer) => {
        gz.pause();
        this.pending = this.out.write(c).then(() => void gz.resume(), (e: Error) => {
          this.failure = e;
          gz.destroy(e);
        });
      });
    }
    this.tar = new TarWriter({ write: (chunk) => this.write(chunk) });
  }

  /**
   * True when a write resolves only once `chunk` is no longer referenced (uncompressed layers,
   * stores that can tell): callers may then reuse their buffers.
   */
  get consumes(): boolean {
    return !this.gzip && typeof this.out.writeSettled === 'function';
  }

  /** Raw tar bytes (e.g. entries copied verbatim from another layer). */
  async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.gzip) return this.out.writeSettled ? this.out.writeSettled(chunk) : this.out.write(chunk);
    this.hash!.update(chunk);
    if (!this.gzip.write(chunk)) {
      const gz = this.gzip;
      await new Promise<void>((resolve) => {
        const done = () => {
          gz.off('drain', done);
          gz.off('close', done);
          resolve();
        };
        gz.on('drain', done);
        gz.on('close', done);
      });
      if (this.failure) throw this.failure;
    }
  }

  /** `written`: the raw bytes already hold a whole tar (end marker included), not `tar`'s entries. */
  async finish(written = false): Promise<BuiltLayer> {
    if (!written) await this.tar.finish();
    if (this.gzip) {
      const gz = this.gzip;
      if (!gz.destroyed) {
        await new Promise<void>((resolve) => {
          gz.once('end', resolve);
          gz.once('close', resolve);
          gz.end();
        });
      }
      await this.pending;
    }
    if (this.failure) throw this.failure;
    const { digest, size } = await this.out.commit();
    return {
      blob: digest,
      diffId: this.hash ? `sha256:${this.hash.digest('hex')}` : digest,
      size,
      mediaType: this.gzip ? OCI_LAYER_GZIP : OCI_LAYER,
      compression: this.compression,
    };
  }

  async abort(): Promise<void> {
    this.gzip?.destroy();
    await this.out.abort();
  }
}
