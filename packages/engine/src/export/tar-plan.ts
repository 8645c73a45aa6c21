import type { Readable } from 'node:stream';
import { EngineError } from '../errors.js';
import { BLOCK, ZERO_BLOCK } from '../tar/fields.js';
import { encodeHeader, encodeHeaderInto, type TarWriteHeader } from '../tar/header-encode.js';
import type { ByteSink } from '../tar/writer.js';
import type { BlobStore } from '../store/blob-store.js';
import { RangeReader, ReadPlan, type BlobRange } from '../store/range-reader.js';

/**
 * One step of a tar written from stored bytes: an entry (header, then `header.size` bytes from
 * `range` or `stream`, then padding), or — without a header — bytes copied verbatim (a whole
 * entry of another layer tar, header blocks and padding included).
 */
export interface TarItem {
  header?: TarWriteHeader;
  range?: BlobRange;
  /** For bytes that are not a plain range (a sparse entry expanded with its holes). */
  stream?: (store: BlobStore) => Readable;
}

/** A layer tar that is written from a plan as often as asked, byte for byte alike. */
export interface LayerTar {
  write(store: BlobStore, sink: ByteSink, options?: { signal?: AbortSignal; consumes?: boolean }): Promise<number>;
}

/** A tar to write, with the reads that serve it planned once (writing it twice reads alike). */
export class TarPlan implements LayerTar {
  readonly reads: ReadPlan;

  constructor(readonly items: TarItem[], readonly end = true) {
    this.reads = new ReadPlan(items.map((i) => i.range ?? null));
  }

  /**
   * Streams the tar into `sink`; resolves with the number of bytes written. `consumes`: the sink
   * is done with a chunk when its write resolves (a hash), so buffers are reused.
   */
  async write(store: BlobStore, sink: ByteSink, options: { signal?: AbortSignal; consumes?: boolean } = {}): Promise<number> {
    // Read buffers are always reused: a sink that keeps chunks (a socket) gets copies gathered
    // into 1 MiB batches instead, which halves the fresh memory a pass allocates (each 64 MiB of
    // it costs V8 a full collection).
    const reader = new RangeReader(store, this.reads, undefined, true);
    const out = new Batcher(sink, options.signal, options.consumes === true);
    const pieces = this.reads.pieces;
    try {
      // Most entries are a header and a small file inside a read already in memory: those take
      // no promise at all (a turn of the event loop per entry was much of a 100k-file pass).
      for (let i = 0; i < this.items.length; i++) {
        const { header, range, stream } = this.items[i];
        if (header) {
          const written = out.header(header);
          if (written) await written;
        }
        let got = 0;
        if (range) {
          for (const [read, offset, length] of pieces[i]) {
            const taken = reader.takeRead(read);
            const buffer = taken instanceof Buffer ? taken : await taken;
            const copied = out.copy(buffer, offset, offset + length);
            if (copied) await copied;
            got += length;
          }
        } else if (stream) for await (const c of stream(store)) got += await out.put(c as Buffer);
        if (!header) continue;
        if (got !== header.size) throw new EngineError('SIZE_MISMATCH', `tar entry "${header.name}" declares ${header.size} bytes but its body has ${got}`, { subject: header.name });
        const pad = (BLOCK - (got % BLOCK)) % BLOCK;
        if (pad) {
          const padded = out.zeros(pad);
          if (padded) await padded;
        }
      }
      if (this.end) await out.put(ZERO_BLOCK.subarray(0, 2 * BLOCK));
      await out.flush();
      return out.total;
    } finally {
      await reader.close();
    }
  }
}

const BATCH = 1024 * 1024;
const DIRECT = 64 * 1024;

/**
 * Gathers small pieces (headers, padding, small files) into 1 MiB chunks so the sink sees few
 * large writes. With `reuse` (the sink is done with a chunk when its write resolves) large pieces
 * go through uncopied and the batch buffer is reused; otherwise every byte is copied into fresh
 * batches, so the read buffers can be reused at once.
 */
class Batcher {
  private buf = Buffer.allocUnsafe(BATCH);
  private used = 0;
  total = 0;

  constructor(private readonly sink: ByteSink, private readonly signal?: AbortSignal, private readonly reuse = false) {}

  async put(chunk: Buffer): Promise<number> {
    const n = chunk.length;
    if (this.reuse && n >= DIRECT) {
      await this.flush();
      await this.emit(chunk);
      return n;
    }
    for (let at = 0; at < n;) {
      if (this.used === BATCH) await this.flush();
      const copied = chunk.copy(this.buf, this.used, at);
      this.used += copied;
      at += copied;
    }
    return n;
  }

  /** `source[start, end)`; a promise only when the batch had to be flushed. */
  copy(source: Buffer, start: number, end: number): Promise<unknown> | undefined {
    const n = end - start;
    if (n <= BATCH - this.used && !(this.reuse && n >= DIRECT)) {
      source.copy(this.buf, this.used, start, end);
      this.used += n;
      return undefined;
    }
    return this.put(source.subarray(start, end));
  }

  /** An entry's header blocks, encoded in place when they are a single plain block. */
  header(h: TarWriteHeader): Promise<unknown> | undefined {
    if (BATCH - this.used < BLOCK) return this.flush().then(() => this.header(h));
    if (encodeHeaderInto(h, this.buf, this.used)) {
      this.used += BLOCK;
      return undefined;
    }
    return this.put(encodeHeader(h));
  }

  /** `n` < 512 zero bytes (padding). */
  zeros(n: number): Promise<unknown> | undefined {
    if (n > BATCH - this.used) return this.put(ZERO_BLOCK.subarray(0, n));
    this.buf.fill(0, this.used, this.used + n);
    this.used += n;
    return undefined;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const chunk = this.buf.subarray(0, this.used);
    if (!this.reuse) this.buf = Buffer.allocUnsafe(BATCH);
    this.used = 0;
    await this.emit(chunk);
  }

  private async emit(chunk: Buffer): Promise<void> {
    if (this.signal?.aborted) throw new EngineError('ABORTED', 'the export was cancelled');
    this.total += chunk.length;
    await this.sink.write(chunk);
  }
}
