import type { BlobWriter } from '../store/blob-store.js';

/** Bytes the scan may run ahead of a blob's disk writes. */
export const WRITE_AHEAD_BYTES = 2 * 1024 * 1024;
/** Bytes gathered before a write: uploads arrive in 64 KiB chunks, one disk write each cost ~40 µs of the main thread. */
export const WRITE_BATCH_BYTES = 1024 * 1024;

/**
 * Stores a blob in the background while the scan goes on. Waiting for each 64 KiB chunk's write
 * serialises reading, hashing, inflating and writing; here chunks queue (up to `limit` bytes, the
 * memory this costs, plus the batch being written) and one pump writes them, a batch at a time.
 */
export class WriteAhead {
  private queue: Buffer[] = [];
  private queued = 0;
  private pumping: Promise<void> | null = null;
  private failed: unknown = null;
  /** flush() was called: the tail below a batch is written too. */
  private flushing = false;
  private waiting: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];

  constructor(readonly writer: BlobWriter, private readonly limit = WRITE_AHEAD_BYTES, private readonly batch = Math.min(WRITE_BATCH_BYTES, limit)) {}

  /** Queues a chunk. Returns a promise only when the queue is full: it resolves when there is room. */
  write(chunk: Buffer): Promise<void> | undefined {
    if (this.failed) return Promise.reject(this.failed);
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued >= this.batch) this.pumping ??= this.pump();
    if (this.queued <= this.limit) return undefined;
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Resolves when every queued chunk is written; rejects with the first write error. */
  async flush(): Promise<void> {
    this.flushing = true;
    while (this.pumping || (this.queue.length > 0 && !this.failed)) await (this.pumping ??= this.pump());
    if (this.failed) throw this.failed;
  }

  async commit(): Promise<{ digest: string; size: number; existed: boolean }> {
    await this.flush();
    return this.writer.commit();
  }

  async abort(): Promise<void> {
    this.queue = [];
    this.queued = 0;
    await this.pumping;
    await this.writer.abort();
  }

  /** Writes batches until the queue is empty; never rejects (the error is kept for flush/write). */
  private async pump(): Promise<void> {
    try {
      while (this.queue.length > 0 && (this.flushing || this.queued >= this.batch)) {
        const batch = this.queue;
        this.queue = [];
        this.queued = 0;
        for (const w of this.waiting.splice(0)) w.resolve();
        if (batch.length === 1) await this.writer.write(batch[0]!);
        else if (this.writer.writeMany) await this.writer.writeMany(batch);
        else await this.writer.write(Buffer.concat(batch));
      }
    } catch (e) {
      this.failed ??= e;
      for (const w of this.waiting.splice(0)) w.reject(e);
    } finally {
      this.pumping = null;
    }
  }
}
