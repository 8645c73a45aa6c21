import { availableParallelism } from 'node:os';
import { constants, crc32, deflateRaw } from 'node:zlib';
import type { ByteSink } from '../tar/writer.js';

/**
 * Bytes of input deflated as one independent block. It fixes where the blocks start, so it is
 * part of the output: the same input gives the same bytes only at the same block size (changing
 * it changes every exported gzip layer's digest). 1 MiB: a block costs one round trip to zlib's
 * thread pool, and the 32 KiB dictionary keeps the ratio within 0.1 % of one deflate stream.
 */
export const GZIP_BLOCK = 1024 * 1024;
/** Deflate's window: the most a back-reference reaches, so all of the past a block can use. */
const WINDOW = 32 * 1024;
/** gzip header: deflate, no name or time, Unix — what zlib's own gzip writes at level 6. */
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
/** Room for a block's deflate output in one piece (stored blocks, flush marker), so one round trip. */
const OUTPUT_ROOM = GZIP_BLOCK + (GZIP_BLOCK >> 8) + 64;

/**
 * Blocks deflated at once: one per core and one queued so a core never waits for this thread,
 * but never the whole libuv pool (default 4 threads), which the store's file reads also need.
 */
function defaultInFlight(): number {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(availableParallelism() + 1, pool - 1));
}

interface Job {
  output: Promise<Buffer>;
  input: Buffer;
}

/**
 * A gzip writer that deflates on every core, as pigz does: the input is cut into GZIP_BLOCK
 * blocks, each deflated on zlib's thread pool with the 32 KiB before it as the dictionary and
 * ended with a sync flush (byte-aligned, not final), so the pieces concatenate into ONE gzip
 * member any gunzip reads. The output depends only on the input bytes (fixed block boundaries,
 * fixed dictionaries), never on which block finishes first; it is written in order. At most
 * `inFlight` blocks are held (each 1 MiB in, up to 1 MiB out), and a write resolves only once
 * the sink has taken the oldest block when that many are pending: memory is bounded and the
 * sink's backpressure reaches the producer. The CRC-32 runs over each chunk as it arrives (zlib's
 * SIMD crc32, ~4 GB/s here: a few percent of deflate's cost, so not worth a second pool job).
 *
 * Every write copies its chunk before returning: callers may reuse their buffers at once.
 */
export class ParallelGzip {
  private block: Buffer = Buffer.allocUnsafe(GZIP_BLOCK);
  private used = 0;
  /** The last WINDOW bytes before the current block (none before the first). */
  private dictionary: Buffer | undefined;
  private crc = 0;
  private total = 0;
  private readonly jobs: Job[] = [];
  /** Input buffers of blocks already written, reused for the next blocks. */
  private readonly spare: Buffer[] = [];
  private headerWritten = false;
  private closed = false;
  private readonly level: number;
  private readonly inFlight: number;

  constructor(private readonly sink: ByteSink, options: { level?: number; inFlight?: number } = {}) {
    this.level = options.level ?? 6;
    this.inFlight = options.inFlight ?? defaultInFlight();
  }

  /** Uncompressed bytes taken so far. */
  get bytesIn(): number {
    return this.total;
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.closed) throw new Error('write after the gzip stream was finished or aborted');
    this.crc = crc32(chunk, this.crc);
    this.total += chunk.length;
    for (let at = 0; at < chunk.length;) {
      const n = chunk.copy(this.block, this.used, at);
      this.used += n;
      at += n;
      // A full block goes at once, without waiting to see whether more follows: an input that
      // ends on a block boundary then ends with an empty final block, the same bytes every time.
      if (this.used === GZIP_BLOCK) await this.submit(false);
    }
  }

  /** Deflates what is left, waits for every block in order, then writes the trailer. */
  async finish(): Promise<void> {
    if (this.closed) throw new Error('the gzip stream was already finished or aborted');
    await this.submit(true);
    this.closed = true;
    while (this.jobs.length) await this.writeOldest();
    const trailer = Buffer.allocUnsafe(8);
    trailer.writeUInt32LE(this.crc >>> 0, 0);
    // ISIZE is the length modulo 2^32 (RFC 1952).
    trailer.writeUInt32LE(this.total % 2 ** 32, 4);
    await this.sink.write(trailer);
  }

  /** Drops pending blocks (those on the pool finish there, unread). */
  abort(): void {
    this.closed = true;
    this.jobs.length = 0;
  }

  private async submit(last: boolean): Promise<void> {
    const input = this.block.subarray(0, this.used);
    const output = deflateBlock(input, this.dictionary, last, this.level);
    // Awaited in order later; a failure meanwhile must not count as unhandled.
    output.catch(() => undefined);
    this.jobs.push({ output, input: this.block });
    if (!last) this.dictionary = Buffer.from(input.subarray(input.length - WINDOW));
    this.block = this.spare.pop() ?? Buffer.allocUnsafe(GZIP_BLOCK);
    this.used = 0;
    if (this.jobs.length >= this.inFlight) await this.writeOldest();
  }

  private async writeOldest(): Promise<void> {
    const job = this.jobs.shift();
    if (!job) return; // aborted meanwhile
    const deflated = await job.output;
    this.spare.push(job.input);
    if (!this.headerWritten) {
      this.headerWritten = true;
      await this.sink.write(HEADER);
    }
    await this.sink.write(deflated);
  }
}

/** One block as raw deflate: primed with the window before it, ended by a sync flush unless last. */
function deflateBlock(input: Buffer, dictionary: Buffer | undefined, last: boolean, level: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    deflateRaw(input, { level, dictionary, chunkSize: OUTPUT_ROOM, finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH }, (e, out) => (e ? reject(e) : resolve(out)));
  });
}
