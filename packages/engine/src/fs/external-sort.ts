import { tmpdir } from 'node:os';
import { inBatches, readRun, RunFiles } from './run-files.js';
import { mergeSorted } from './sorted-runs.js';

export interface ExternalSortOptions<T> {
  /** Total order of the rows; rows that compare equal come back in the order they were added. */
  compare: (a: T, b: T) => number;
  /** A row as one line of JSON-compatible values (no newline inside), and back. */
  encode: (row: T) => unknown[];
  decode: (values: unknown[]) => T;
  /** Rows held in memory before a sorted run is written out (the memory bound). */
  chunkRows?: number;
  /** Where the run files' own folder is made (the system's temp folder by default); dispose() removes it. */
  tempRoot?: string;
}

const DEFAULT_CHUNK_ROWS = 32_768;
const READ_BUFFER = 64 * 1024;
const BATCH = 256;
/**
 * What the merge may hold in read buffers across all runs: a sort of millions of rows has
 * hundreds of runs, each read at once, so a fixed buffer per run grows with the row count.
 */
const MERGE_READ_BUDGET = 4 * 1024 * 1024;
const MIN_READ_BUFFER = 4 * 1024;
const MIN_BATCH = 16;

/**
 * Rows of any kind sorted in bounded memory: rows collect in a chunk; a full chunk is sorted and
 * written to a run file (one JSON array per line); reading merges the runs. A sort that never
 * fills a chunk never touches the disk. Read once, then dispose().
 */
export class ExternalSort<T> {
  private chunk: T[] = [];
  private readonly runs: RunFiles;
  private readonly chunkRows: number;
  count = 0;

  constructor(private readonly o: ExternalSortOptions<T>) {
    this.chunkRows = Math.max(2, o.chunkRows ?? DEFAULT_CHUNK_ROWS);
    this.runs = new RunFiles(o.tempRoot ?? tmpdir(), 'peel-sort-');
  }

  add(row: T): void {
    this.chunk.push(row);
    this.count++;
    if (this.chunk.length >= this.chunkRows) this.spill();
  }

  /** Every row added, in order, in batches. */
  async *sorted(): AsyncGenerator<T[]> {
    // Array.prototype.sort is stable: equal rows keep the order they were added in.
    this.chunk.sort(this.o.compare);
    const decode = (line: string) => this.o.decode(JSON.parse(line) as unknown[]);
    const runs = Math.max(1, this.runs.files.length);
    const buffer = Math.max(MIN_READ_BUFFER, Math.min(READ_BUFFER, Math.floor(MERGE_READ_BUDGET / runs)));
    const batch = Math.max(MIN_BATCH, Math.min(BATCH, Math.floor((BATCH * buffer) / READ_BUFFER)));
    const sources: Array<AsyncIterable<T[]>> = this.runs.files.map((f) => readRun(f, decode, { buffer, batch }));
    if (this.chunk.length) sources.push(inBatches(this.chunk, BATCH));
    if (sources.length === 1) yield* sources[0];
    else if (sources.length > 1) yield* mergeSorted(sources, this.o.compare);
  }

  dispose(): void {
    this.chunk = [];
    this.runs.dispose();
  }

  private spill(): void {
    const chunk = this.chunk;
    this.chunk = [];
    chunk.sort(this.o.compare);
    this.runs.write(this.lines(chunk));
  }

  private *lines(rows: readonly T[]): Generator<string> {
    for (const row of rows) yield `${JSON.stringify(this.o.encode(row))}\n`;
  }
}
