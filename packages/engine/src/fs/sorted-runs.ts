import { tmpdir } from 'node:os';
import type { LayerEntry } from '../types.js';
import { joinPath } from '../layer/normalize.js';
import { comparePaths } from './path-order.js';
import { inBatches, readRun, RunFiles } from './run-files.js';

/** A layer entry with its position in the layer's tar (what `seq` means everywhere else too). */
export interface EntryRecord {
  kind: 'entry';
  path: string;
  seq: number;
  entry: LayerEntry;
}

/**
 * "Something is written below folder `path` at `seq`" (the entry at `written`). The merge needs,
 * for a folder that is missing or not a folder when a layer writes below it, the first such write
 * (it makes the folder implicitly, or replaces a file by one). Below-records are kept only where
 * that can be asked: the first write below each folder after the layer starts and after any
 * non-folder entry at or above it; a folder the layer declares before its contents needs none.
 */
export interface BelowRecord {
  kind: 'below';
  path: string;
  seq: number;
  written: string;
}

export type LayerRecord = EntryRecord | BelowRecord;

/** Path order, then tar order: the order of every sorted layer stream. */
export function compareRecords(a: LayerRecord, b: LayerRecord): number {
  return comparePaths(a.path, b.path) || a.seq - b.seq;
}

/**
 * Turns a layer's entries (in tar order) into its records: the entry itself, and the below-records
 * its write implies. Keeps only the chain of folders written below since the last reset.
 */
export class LayerRecorder {
  /** Folders (top first) already known to be written below, or declared, since their last reset. */
  private chain: string[] = [];
  private seq = 0;

  constructor(private readonly emit: (r: LayerRecord) => void) {}

  /** Records the layer's next entry. */
  add(entry: LayerEntry): void {
    const seq = this.seq++;
    this.emit({ kind: 'entry', path: entry.path, seq, entry });
    if (entry.type === 'whiteout') return;
    const written = entry.type === 'opaque' ? joinPath(entry.path, '_') : entry.path;
    const chain = this.chain;
    // Walk the written path's folders top-down, comparing with the chain as we go.
    let i = 0;
    let at = written.indexOf('/');
    while (at >= 0) {
      const dir = written.slice(0, at);
      if (i < chain.length && chain[i] === dir) {
        i++;
      } else {
        chain.length = i;
        this.emit({ kind: 'below', path: dir, seq, written });
        chain.push(dir);
        i++;
      }
      at = written.indexOf('/', at + 1);
    }
    chain.length = i;
    // A declared folder needs no below-record of its own until something resets it.
    if (entry.type === 'dir') chain.push(entry.path);
  }

  get count(): number {
    return this.seq;
  }
}

export interface SortedRunsOptions {
  /** Records held in memory before a sorted run is written out (the memory bound). */
  chunkRecords?: number;
  /** Where the run files' own folder is made (the system's temp folder by default); dispose() removes it. */
  tempRoot?: string;
}

const DEFAULT_CHUNK_RECORDS = 32_768;
/** A layer with no more records than this is never written out (an image has at most a few hundred layers). */
const KEEP_IN_MEMORY = 1024;
/** Per run being read (a 3-million-entry image has about a hundred runs). */
const READ_BUFFER = 32 * 1024;
const BATCH = 256;
/** Records decoded at a time from a run file. */
const READ_BATCH = 32;

/**
 * One layer's records, sorted in bounded memory: records collect in a chunk; a full chunk is
 * sorted (path order, then tar order) and written to a run file; reading merges the runs (k-way)
 * into one sorted stream. A tiny layer never touches the disk. Each run holds a
 * contiguous range of tar positions, so the entries also read back in tar order a run at a time.
 */
export class SortedRuns {
  private chunk: LayerRecord[] = [];
  private readonly runs: RunFiles;
  private readonly chunkRecords: number;
  private finished = false;
  private readonly recorder: LayerRecorder;
  /** Hard-link targets of this layer (the merge resolves links against them). */
  readonly linkTargets = new Set<string>();

  constructor(options: SortedRunsOptions = {}) {
    this.chunkRecords = Math.max(2, options.chunkRecords ?? DEFAULT_CHUNK_RECORDS);
    this.runs = new RunFiles(options.tempRoot ?? tmpdir(), 'peel-runs-');
    this.recorder = new LayerRecorder((r) => {
      this.chunk.push(r);
      if (this.chunk.length >= this.chunkRecords) this.spill();
    });
  }

  /** Adds the layer's next entry (tar order). */
  add(entry: LayerEntry): void {
    if (this.finished) throw new Error('SortedRuns.add after finish');
    if (entry.type === 'hardlink' && entry.linkTarget !== null) this.linkTargets.add(entry.linkTarget);
    this.recorder.add(entry);
  }

  /** No more entries: the last chunk is sorted, and written out too unless the layer is tiny. */
  finish(): this {
    if (!this.finished) {
      this.finished = true;
      if (this.chunk.length > KEEP_IN_MEMORY) this.spill();
      else this.chunk.sort(compareRecords);
    }
    return this;
  }

  get runCount(): number {
    return this.runs.files.length + (this.chunk.length ? 1 : 0);
  }

  /** The layer's records in path order (then tar order), in batches. Can be read more than once. */
  async *records(): AsyncGenerator<LayerRecord[]> {
    this.finish();
    const sources = this.runs.files.map((f) => readRecords(f));
    if (this.chunk.length) sources.push(inBatches(this.chunk, BATCH));
    if (sources.length === 1) {
      yield* sources[0];
      return;
    }
    yield* mergeSorted(sources, compareRecords);
  }

  /** The layer's entries in tar order, in batches (one run in memory at a time). */
  async *entries(): AsyncGenerator<EntryRecord[]> {
    this.finish();
    const runs: Array<() => AsyncIterable<LayerRecord[]>> = this.runs.files.map((f) => () => readRecords(f));
    if (this.chunk.length) runs.push(() => inBatches(this.chunk, BATCH));
    for (const open of runs) {
      const all: EntryRecord[] = [];
      for await (const batch of open()) for (const r of batch) if (r.kind === 'entry') all.push(r);
      all.sort((a, b) => a.seq - b.seq);
      for (let i = 0; i < all.length; i += BATCH) yield all.slice(i, i + BATCH);
    }
  }

  /** Removes the run files. */
  dispose(): void {
    this.chunk = [];
    this.runs.dispose();
  }

  private spill(): void {
    const chunk = this.chunk;
    this.chunk = [];
    chunk.sort(compareRecords);
    // Written synchronously: the indexer hands entries over from inside the tar parser.
    this.runs.write(encoded(chunk));
  }
}

function* encoded(chunk: readonly LayerRecord[]): Generator<string> {
  for (const r of chunk) yield encodeRecord(r);
}

/** Sorted records of in-memory entries (tests, small layers): what SortedRuns yields, without files. */
export function sortedRecords(entries: readonly LayerEntry[]): LayerRecord[] {
  const out: LayerRecord[] = [];
  const recorder = new LayerRecorder((r) => out.push(r));
  for (const e of entries) recorder.add(e);
  return out.sort(compareRecords);
}

// One JSON array per line; JSON escapes every newline, so lines split safely.
function encodeRecord(r: LayerRecord): string {
  if (r.kind === 'below') return `${JSON.stringify([r.seq, r.path, r.written])}\n`;
  const e = r.entry;
  return `${JSON.stringify([r.seq, e.path, e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.size, e.mtime, e.linkTarget, e.devMajor, e.devMinor, e.xattrs, e.dataOffset, e.headerOffset, e.digest, e.sparse ?? null])}\n`;
}

function decodeRecord(line: string): LayerRecord {
  const a = JSON.parse(line) as unknown[];
  if (a.length === 3) return { kind: 'below', seq: a[0] as number, path: a[1] as string, written: a[2] as string };
  const entry: LayerEntry = {
    path: a[1] as string, type: a[2] as LayerEntry['type'], mode: a[3] as number, uid: a[4] as number, gid: a[5] as number,
    uname: a[6] as string, gname: a[7] as string, size: a[8] as number, mtime: a[9] as number, linkTarget: a[10] as string | null,
    devMajor: a[11] as number, devMinor: a[12] as number, xattrs: a[13] as Record<string, string> | null, dataOffset: a[14] as number,
    headerOffset: a[15] as number, digest: a[16] as string | null,
  };
  if (a[17] !== null) entry.sparse = a[17] as LayerEntry['sparse'];
  return { kind: 'entry', seq: a[0] as number, path: entry.path, entry };
}

/** A run's records in small batches (see readRun). */
const readRecords = (file: string): AsyncGenerator<LayerRecord[]> => readRun(file, decodeRecord, { buffer: READ_BUFFER, batch: READ_BATCH });

/** A batch stream read one record at a time; `head` is sync, refills are awaited only at batch ends. */
export class RecordCursor<T> {
  private batch: T[] = [];
  private i = 0;
  private done = false;
  private readonly it: AsyncIterator<T[]>;

  constructor(source: AsyncIterable<T[]>) {
    this.it = source[Symbol.asyncIterator]();
  }

  get head(): T | undefined {
    return this.batch[this.i];
  }

  /** Makes `head` valid (undefined only at the end). */
  async fill(): Promise<void> {
    while (this.i >= this.batch.length && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else {
        this.batch = r.value;
        this.i = 0;
      }
    }
  }

  /** Moves past the head; true when fill() must be awaited before `head` is read again. */
  advance(): boolean {
    this.i++;
    return this.i >= this.batch.length && !this.done;
  }
}

/** k-way merge of sorted batch streams (a binary heap on their heads); ties keep the sources' order. */
export async function* mergeSorted<T>(sources: Array<AsyncIterable<T[]>>, compare: (a: T, b: T) => number): AsyncGenerator<T[]> {
  const heap: Array<RecordCursor<T>> = [];
  const rank = new Map<RecordCursor<T>, number>();
  for (const s of sources) {
    const c = new RecordCursor(s);
    rank.set(c, rank.size);
    await c.fill();
    if (c.head !== undefined) heap.push(c);
  }
  const less = (a: RecordCursor<T>, b: RecordCursor<T>) => (compare(a.head!, b.head!) || rank.get(a)! - rank.get(b)!) < 0;
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  let out: T[] = [];
  while (heap.length) {
    const top = heap[0];
    out.push(top.head!);
    if (top.advance()) await top.fill();
    if (top.head === undefined) {
      heap[0] = heap[heap.length - 1];
      heap.pop();
    }
    if (heap.length) down(0);
    if (out.length >= BATCH) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}
