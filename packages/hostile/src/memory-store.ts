import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobStore, BlobWriter } from '@peel/engine';

/**
 * A BlobStore that keeps only digests and sizes (no bytes): fast enough to run the archive
 * reader thousands of times, and strict enough to catch leaks — every writer must end in a
 * commit or an abort, and `pending` counts those that did not.
 */
export class DigestOnlyStore implements BlobStore {
  readonly blobs = new Map<string, number>();
  readonly files = null;
  readonly indexes = null;
  pending = 0;

  create(): BlobWriter {
    const hash = createHash('sha256');
    let bytes = 0;
    let open = true;
    this.pending++;
    const close = () => {
      if (open) this.pending--;
      open = false;
    };
    return {
      get bytes() {
        return bytes;
      },
      write: async (chunk: Buffer) => {
        if (!open) throw new Error('write after commit or abort');
        hash.update(chunk);
        bytes += chunk.length;
      },
      commit: async () => {
        if (!open) throw new Error('commit after commit or abort');
        close();
        const digest = `sha256:${hash.digest('hex')}`;
        const existed = this.blobs.has(digest);
        this.blobs.set(digest, bytes);
        return { digest, size: bytes, existed };
      },
      abort: async () => close(),
    };
  }

  async has(digest: string): Promise<boolean> {
    return this.blobs.has(digest);
  }

  async size(digest: string): Promise<number | null> {
    return this.blobs.get(digest) ?? null;
  }

  open(): Readable {
    return Readable.from([]);
  }

  async delete(digest: string): Promise<void> {
    this.blobs.delete(digest);
  }
}
