import type { FileHandle } from 'node:fs/promises';
import { checkpointBefore, readIndexedGzip, type GzipIndex, type ReadCompressed } from '../compress/gzip-index.js';
import type { BlobReader } from './blob-store.js';

/**
 * Positional reads of an indexed gzip blob's uncompressed bytes. Reads that move forward go on
 * inflating where the last one stopped (an export reads a layer front to back: one inflation
 * pass in all); a read behind it, or past the next checkpoint, starts again from the nearest
 * checkpoint. Reads are served one at a time, in the order they were asked for.
 */
export class IndexedBlobReader implements BlobReader {
  private cursor: { at: number; chunks: AsyncGenerator<Buffer>; held: Buffer } | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly index: GzipIndex, private readonly source: FileHandle, private readonly subject: string) {}

  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    const next = this.queue.then(() => this.readNow(buffer, offset, length, position));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readNow(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    length = Math.max(0, Math.min(length, this.index.size - position));
    if (length === 0) return { bytesRead: 0 };
    let c = this.cursor;
    const restart = this.index.checkpoints[checkpointBefore(this.index, position)].out;
    if (!c || position < c.at || restart > c.at) {
      await c?.chunks.return(undefined);
      c = this.cursor = { at: position, chunks: readIndexedGzip(this.index, compressedBytes(this.source), position, this.index.size, this.subject, true), held: Buffer.alloc(0) };
    }
    let got = 0;
    while (got < length) {
      if (c.held.length === 0) {
        const r = await c.chunks.next();
        if (r.done) break;
        c.held = r.value;
      }
      // Skip what lies between the cursor and the position asked for.
      const skip = Math.min(c.held.length, position + got - c.at);
      if (skip > 0) {
        c.held = c.held.subarray(skip);
        c.at += skip;
        continue;
      }
      const n = Math.min(c.held.length, length - got);
      c.held.copy(buffer, offset + got, 0, n);
      c.held = c.held.subarray(n);
      c.at += n;
      got += n;
    }
    return { bytesRead: got };
  }

  async close(): Promise<void> {
    await this.queue;
    await this.cursor?.chunks.return(undefined);
    this.cursor = null;
    await this.source.close();
  }
}

/** Reads of a compressed blob through its handle, for readIndexedGzip. */
export function compressedBytes(fh: FileHandle): ReadCompressed {
  return async (position, length, into) => {
    const buffer = into ?? Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buffer, got, length - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buffer.subarray(0, got);
  };
}
