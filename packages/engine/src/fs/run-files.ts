import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Lines joined into one write. */
const WRITE_LINES = 4096;

/**
 * The run files of a sort on disk: one file per sorted run, one line per row (each line ends
 * with a newline, and has none inside), in a folder of their own made on the first run;
 * dispose() removes them.
 */
export class RunFiles {
  readonly files: string[] = [];
  private dir: string | null = null;

  constructor(private readonly tempRoot: string, private readonly prefix: string) {}

  /** Writes the next run. Synchronously: sorts hand rows over from inside synchronous parsers. */
  write(lines: Iterable<string>): void {
    this.dir ??= mkdtempSync(join(this.tempRoot, this.prefix));
    const file = join(this.dir, `run-${this.files.length}.ndjson`);
    const fd = openSync(file, 'w');
    try {
      let batch: string[] = [];
      for (const line of lines) {
        batch.push(line);
        if (batch.length === WRITE_LINES) {
          writeSync(fd, batch.join(''));
          batch = [];
        }
      }
      if (batch.length) writeSync(fd, batch.join(''));
    } finally {
      closeSync(fd);
    }
    this.files.push(file);
  }

  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.files.length = 0;
  }
}

/**
 * A run file's rows, each decoded only when its batch is read: a merge of a hundred runs holds a
 * batch of each, and a row held that long outlives the young generation.
 */
export async function* readRun<T>(file: string, decode: (line: string) => T, o: { buffer: number; batch: number }): AsyncGenerator<T[]> {
  let rest = '';
  let batch: T[] = [];
  for await (const chunk of createReadStream(file, { highWaterMark: o.buffer, encoding: 'utf8' }) as AsyncIterable<string>) {
    const text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      batch.push(decode(text.slice(start, nl)));
      start = nl + 1;
      if (batch.length === o.batch) {
        yield batch;
        batch = [];
      }
    }
    rest = text.slice(start);
  }
  if (rest.length) batch.push(decode(rest));
  if (batch.length) yield batch;
}

/** An array in batches, as a stream of them. */
export async function* inBatches<T>(all: readonly T[], size: number): AsyncGenerator<T[]> {
  for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
}
