import { createHash } from 'node:crypto';
import type { Queryable } from './pool.js';

/** PostgreSQL's bound on parameters per statement (a 16-bit count in the protocol). */
const MAX_PARAMS = 65_535;

export interface BulkOptions {
  /** Rows per INSERT statement (lowered to fit the parameter bound). */
  chunkRows: number;
  /** Throws to abandon the write between two statements (e.g. the client went away). */
  check?: () => void;
}

/**
 * Inserts `rows` into `table` (values in `columns` order) with multi-row INSERTs of up to
 * `chunkRows` rows: one round trip per chunk instead of per row. Full chunks reuse one named
 * prepared statement, so the server plans it once. Rows are pulled as they are sent, so a
 * generator's rows never pile up in memory. `suffix` is appended as is (e.g. ON CONFLICT …).
 * Returns the number of rows sent.
 */
export async function insertRows(db: Queryable, table: string, columns: readonly string[], rows: Iterable<unknown[]> | AsyncIterable<unknown[]>, opts: BulkOptions, suffix = ''): Promise<number> {
  const insert = new BulkInsert(db, table, columns, opts, suffix);
  for await (const row of rows) await insert.add(row);
  return insert.end();
}

/**
 * One table's multi-row INSERTs, fed a row at a time: a statement goes out whenever a chunk is
 * full, so several tables can be filled from one interleaved stream, each in its own chunks.
 */
export class BulkInsert {
  private readonly perStatement: number;
  private readonly head: string;
  private readonly name: string;
  private fullSql: string | undefined;
  private batch: unknown[] = [];
  private inBatch = 0;
  private count = 0;

  constructor(
    private readonly db: Queryable,
    private readonly table: string,
    private readonly columns: readonly string[],
    private readonly opts: BulkOptions,
    private readonly suffix = '',
  ) {
    this.perStatement = Math.max(1, Math.min(opts.chunkRows, Math.floor(MAX_PARAMS / columns.length)));
    this.head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    // Named by what it says: one name never stands for two texts on a connection.
    this.name = `peel_bulk_${createHash('sha1').update(`${this.head}|${this.perStatement}|${suffix}`).digest('hex').slice(0, 16)}`;
  }

  /** Queues a row (values in `columns` order); sends the chunk once it is full. */
  async add(row: unknown[]): Promise<void> {
    if (row.length !== this.columns.length) throw new Error(`a row for ${this.table} has ${row.length} values, not ${this.columns.length}`);
    for (const v of row) this.batch.push(v);
    if (++this.inBatch === this.perStatement) await this.flush();
  }

  /** Sends what is queued; returns the number of rows sent in all. */
  async end(): Promise<number> {
    await this.flush();
    return this.count;
  }

  private async flush(): Promise<void> {
    if (this.inBatch === 0) return;
    this.opts.check?.();
    if (this.inBatch === this.perStatement) {
      this.fullSql ??= this.head + placeholders(this.perStatement, this.columns.length) + this.suffix;
      await this.db.query({ name: this.name, text: this.fullSql, values: this.batch });
    } else {
      await this.db.query(this.head + placeholders(this.inBatch, this.columns.length) + this.suffix, this.batch);
    }
    this.count += this.inBatch;
    this.batch = [];
    this.inBatch = 0;
  }
}

function placeholders(rows: number, cols: number): string {
  const out: string[] = [];
  for (let r = 0, p = 1; r < rows; r++) {
    const row: string[] = [];
    for (let c = 0; c < cols; c++) row.push(`$${p++}`);
    out.push(`(${row.join(', ')})`);
  }
  return out.join(', ');
}
