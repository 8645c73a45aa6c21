import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
 * Rows of any kind sorted in bounded memory: rows collect in a chunk; a full chunk is sorted and
 * written to a run file (one JSON array per line); reading merges the runs. A sort that never
 * fills a chunk never touches the disk. Read once, then dispose().
 */
export class ExternalSort<T> {
  private chunk: T[] = [];
  private readonly files: string[] = [];
  private dir: string | null = null;
  private readonly chunkRows: number;
  private readonly tempRoot: string;
  count = 0;

  constructor(private readonly o: ExternalSortOptions<T>) {
    this.chunkRows = Math.max(2, o.chunkRows ?? DEFAULT_CHUNK_ROWS);
    this.tempRoot = o.tempRoot ?? tmpdir();
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
    const sources: Array<AsyncIterable<T[]>> = this.files.map((f) => this.readRun(f));
    if (this.chunk.length) sources.push(inBatches(this.chunk));
    if (sources.length === 1) yield* sources[0];
    else if (sources.length > 1) yield* mergeSorted(sources, this.o.compare);
  }

  dispose(): void {
    this.chunk = [];
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.files.length = 0;
  }

  private spill(): void {
    const chunk = this.chunk;
    this.chunk = [];
    chunk.sort(this.o.compare);
    this.dir ??= mkdtempSync(join(this.tempRoot, 'peel-sort-'));
    const file = join(this.dir, `run-${this.files.length}.ndjson`);
    const fd = openSync(file, 'w');
    try {
      let lines: string[] = [];
      for (const row of chunk) {
        lines.push(`${JSON.stringify(this.o.encode(row))}\n`);
        if (lines.length === 1024) {
          writeSync(fd, lines.join(''));
          lines = [];
        }
      }
      if (lines.length) writeSync(fd, lines.join(''));
    } finally {
      closeSync(fd);
    }
    this.files.push(file);
  }

  private async *readRun(file: string): AsyncGenerator<T[]> {
    let rest = '';
    let batch: T[] = [];
    for await (const chunk of createReadStream(file, { highWaterMark: READ_BUFFER, encoding: 'utf8' }) as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        batch.push(this.o.decode(JSON.parse(text.slice(start, nl)) as unknown[]));
        start = nl + 1;
        if (batch.length === BATCH) {
          yield batch;
          batch = [];
        }
      }
      rest = text.slice(start);
    }
    if (batch.length) yield batch;
  }
}

async function* inBatches<T>(all: readonly T[]): AsyncGenerator<T[]> {
  for (let i = 0; i < all.length; i += BATCH) yield all.slice(i, i + BATCH);
}
