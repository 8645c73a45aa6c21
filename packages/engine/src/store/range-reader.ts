import { EngineError } from '../errors.js';
import type { BlobFiles, BlobReader, BlobStore } from './blob-store.js';

/** Bytes [start, end) of a store blob. */
export interface BlobRange {
  blob: string;
  start: number;
  end: number;
}

export interface ReadPlanOptions {
  /** Largest single read (bytes). */
  span?: number;
  /** Ranges of one blob this close together are read as one (the gap is read and dropped). */
  gap?: number;
  /** Ranges are planned in windows of this many bytes (what may be held at once). */
  window?: number;
}

interface Read {
  blob: string;
  start: number;
  end: number;
  /** Pieces that use it; the buffer is dropped after the last. */
  uses: number;
}

/** Where a range's bytes are: pieces (read index, offset in the read, length), in order. */
type Pieces = Array<[read: number, offset: number, length: number]>;

/**
 * The reads that serve a sequence of ranges, planned once (so two passes over the same ranges
 * read alike). The sequence is cut into windows of about `window` bytes; inside a window each
 * blob's ranges are taken in offset order and neighbours (tar entries that follow each other,
 * whatever order the output wants them in) share one large positional read. A range longer than
 * `span` is read in `span`-sized pieces. Every read is used up within its window, so what is
 * held stays near `window` bytes, never a whole blob.
 */
export class ReadPlan {
  readonly reads: Read[] = [];
  readonly pieces: Pieces[] = [];
  readonly span: number;
  private readonly gap: number;

  constructor(ranges: Iterable<BlobRange | null>, options: ReadPlanOptions = {}) {
    this.span = options.span ?? 1024 * 1024;
    this.gap = options.gap ?? 16 * 1024;
    const window = options.window ?? 8 * 1024 * 1024;
    let batch: Array<{ index: number; range: BlobRange }> = [];
    let bytes = 0;
    for (const r of ranges) {
      const index = this.pieces.length;
      this.pieces.push([]);
      if (!r || r.end <= r.start) continue;
      batch.push({ index, range: r });
      bytes += r.end - r.start;
      if (bytes >= window) {
        this.plan(batch);
        batch = [];
        bytes = 0;
      }
    }
    this.plan(batch);
  }

  private plan(batch: Array<{ index: number; range: BlobRange }>): void {
    const byBlob = new Map<string, Array<{ index: number; range: BlobRange }>>();
    for (const b of batch) {
      let list = byBlob.get(b.range.blob);
      if (!list) byBlob.set(b.range.blob, (list = []));
      list.push(b);
    }
    const reads: Array<Read & { first: number; parts: Array<[index: number, offset: number, at: number, length: number]> }> = [];
    for (const [blob, list] of byBlob) {
      list.sort((x, y) => x.range.start - y.range.start);
      let cur: (typeof reads)[number] | null = null;
      for (const { index, range } of list) {
        let at = range.start;
        if (cur && at - cur.end <= this.gap && range.end - cur.start <= this.span) {
          cur.end = Math.max(cur.end, range.end);
          cur.first = Math.min(cur.first, index);
          cur.parts.push([index, at - cur.start, at, range.end - at]);
          continue;
        }
        while (at < range.end) {
          const end = Math.min(range.end, at + this.span);
          cur = { blob, start: at, end, uses: 0, first: index, parts: [[index, 0, at, end - at]] };
          reads.push(cur);
          at = end;
        }
      }
    }
    // Reads go out in the order the output first needs them; a range's pieces in byte order.
    reads.sort((x, y) => x.first - y.first);
    const pieces = new Map<number, Array<[read: number, at: number, offset: number, length: number]>>();
    for (const r of reads) {
      const n = this.reads.length;
      this.reads.push({ blob: r.blob, start: r.start, end: r.end, uses: r.parts.length });
      for (const [index, offset, at, length] of r.parts) {
        let list = pieces.get(index);
        if (!list) pieces.set(index, (list = []));
        list.push([n, at, offset, length]);
      }
    }
    for (const [index, list] of pieces) {
      list.sort((x, y) => x[1] - y[1]);
      this.pieces[index] = list.map(([n, , offset, length]) => [n, offset, length]);
    }
  }
}

/**
 * Hands out the bytes of a ReadPlan's ranges in order, as slices of the planned reads (no
 * copies). Reads go ahead of the consumer up to `ahead` bytes, one file handle per blob.
 * Call `range(i)` for i = 0, 1, 2… in order, then `close()`.
 */
export class RangeReader {
  private readonly buffers = new Map<number, Promise<Buffer>>();
  /** The reads of `buffers` that have completed. */
  private readonly loaded = new Map<number, Buffer>();
  private readonly handles = new Map<string, Promise<BlobReader>>();
  private readonly uses: number[];
  private readonly files: BlobFiles | null;
  private issued = 0;
  private held = 0;
  private closed = false;
  /** Buffers whose slices the consumer no longer holds (only when it says so: `recycle`). */
  private readonly spare: Buffer[] = [];
  /** The buffer of the piece the consumer holds now, free once it asks for the next. */
  private released: Buffer | null = null;

  /**
   * `ahead`: bytes read ahead of the consumer (2 cores: a few reads in flight are enough).
   * `recycle`: the consumer is done with a piece's bytes once it asks for the next piece (e.g.
   * it only hashes them), so read buffers are reused instead of left to the garbage collector
   * (a stream of fresh 1 MiB buffers makes V8 run full collections over the whole heap).
   */
  constructor(private readonly store: BlobStore, private readonly plan: ReadPlan, private readonly ahead = 4 * 1024 * 1024, private readonly recycle = false) {
    this.uses = plan.reads.map((r) => r.uses);
    this.files = store.files;
  }

  /** The bytes of range `i`, as one or more buffers. */
  async *range(i: number): AsyncGenerator<Buffer> {
    for (const [read, offset, length] of this.plan.pieces[i]) {
      const buffer = await this.take(read);
      yield buffer.subarray(offset, offset + length);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.buffers.clear();
    this.loaded.clear();
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.map((h) => h.then((fh) => fh.close(), () => undefined)));
  }

  private async take(read: number): Promise<Buffer> {
    const buffer = await this.takeRead(read);
    return buffer.subarray(0, this.plan.reads[read].end - this.plan.reads[read].start);
  }

  /**
   * The buffer of planned read `read` (its bytes start at 0), without a promise when it is
   * already in memory: a file of a few hundred bytes then costs no turn of the event loop.
   * Same order rules as `range`; the pieces of read r are `plan.pieces[i]` entries naming r.
   */
  takeRead(read: number): Buffer | Promise<Buffer> {
    // Asking for a piece means the consumer is done with the previous one: only now may the
    // buffer that held it be read into again (a read issued earlier may still be waiting).
    if (this.released) {
      if (this.spare.length < 8) this.spare.push(this.released);
      this.released = null;
    }
    while (this.issued <= read || (this.issued < this.plan.reads.length && this.held < this.ahead)) this.issue();
    const loaded = this.loaded.get(read);
    if (loaded) return this.use(read, loaded);
    const pending = this.buffers.get(read);
    if (!pending) throw new Error(`RangeReader: read ${read} was taken out of order`);
    return pending.then((buffer) => this.use(read, buffer));
  }

  private use(read: number, buffer: Buffer): Buffer {
    if (--this.uses[read] === 0) {
      this.buffers.delete(read);
      this.loaded.delete(read);
      this.held -= this.plan.reads[read].end - this.plan.reads[read].start;
      if (this.recycle) this.released = buffer;
    }
    return buffer;
  }

  private issue(): void {
    const n = this.issued++;
    const r = this.plan.reads[n];
    this.held += r.end - r.start;
    const p = this.load(r);
    p.then((b) => {
      if (this.buffers.has(n)) this.loaded.set(n, b);
    }, () => undefined); // a failure is reported to whoever takes it
    this.buffers.set(n, p);
  }

  private async load(r: Read): Promise<Buffer> {
    if (this.closed) throw new EngineError('ABORTED', 'the reader was closed');
    const length = r.end - r.start;
    if (!this.files) return collect(this.store, r, length);
    let handle = this.handles.get(r.blob);
    if (!handle) this.handles.set(r.blob, (handle = this.files.openReader(r.blob)));
    const fh = await handle;
    const spare = this.spare.pop();
    const buffer = spare && spare.length >= length ? spare : Buffer.allocUnsafe(Math.max(length, this.recycle ? this.plan.span : 0));
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buffer, got, length - got, r.start + got);
      if (bytesRead === 0) throw short(r, got);
      got += bytesRead;
    }
    return buffer;
  }
}

/** Stores without files: one ranged stream per planned read (still large and coalesced). */
async function collect(store: BlobStore, r: Read, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of store.open(r.blob, { start: r.start, end: r.end })) chunks.push(c as Buffer);
  const buffer = Buffer.concat(chunks);
  if (buffer.length !== length) throw short(r, buffer.length);
  return buffer;
}

function short(r: Read, got: number): EngineError {
  return new EngineError('TRUNCATED', `blob ${r.blob} ends before byte ${r.start + got} (the index expected ${r.end})`, { subject: r.blob });
}
