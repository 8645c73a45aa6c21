import { createHash, type Hash } from 'node:crypto';
import { ParallelGzip } from '../compress/parallel-gzip.js';
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
 * diff_id) and, for gzip, a compressor that deflates on every core (ParallelGzip), into a blob
 * writer. Memory stays bounded.
 */
export class LayerBuilder {
  readonly tar: TarWriter;
  /** The diff_id; an uncompressed layer's is its blob digest, which the blob writer computes. */
  private readonly hash: Hash | null;
  private readonly out: BlobWriter;
  private readonly gzip: ParallelGzip | null;

  constructor(store: BlobStore, readonly compression: OutputCompression) {
    this.out = store.create();
    this.gzip = compression === 'gzip' ? new ParallelGzip({ write: (c) => this.out.write(c) }) : null;
    this.hash = this.gzip ? createHash('sha256') : null;
    this.tar = new TarWriter({ write: (chunk) => this.write(chunk) });
  }

  /**
   * True when a write resolves only once `chunk` is no longer referenced (gzip layers copy it
   * into a block at once; uncompressed ones when the store can tell): callers may then reuse
   * their buffers.
   */
  get consumes(): boolean {
    return this.gzip !== null || typeof this.out.writeSettled === 'function';
  }

  /** Raw tar bytes (e.g. entries copied verbatim from another layer). */
  async write(chunk: Buffer): Promise<void> {
    if (!this.gzip) return this.out.writeSettled ? this.out.writeSettled(chunk) : this.out.write(chunk);
    this.hash!.update(chunk);
    return this.gzip.write(chunk);
  }

  /** `written`: the raw bytes already hold a whole tar (end marker included), not `tar`'s entries. */
  async finish(written = false): Promise<BuiltLayer> {
    if (!written) await this.tar.finish();
    await this.gzip?.finish();
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
    this.gzip?.abort();
    await this.out.abort();
  }
}
