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
  const perStatement = Math.max(1, Math.min(opts.chunkRows, Math.floor(MAX_PARAMS / columns.length)));
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  // Named by what it says: one name never stands for two texts on a connection.
  const name = `peel_bulk_${createHash('sha1').update(`${head}|${perStatement}|${suffix}`).digest('hex').slice(0, 16)}`;
  let fullSql: string | undefined;
  let batch: unknown[] = [];
  let inBatch = 0;
  let count = 0;
  const flush = async (): Promise<void> => {
    if (inBatch === 0) return;
    opts.check?.();
    if (inBatch === perStatement) {
      fullSql ??= head + placeholders(perStatement, columns.length) + suffix;
      await db.query({ name, text: fullSql, values: batch });
    } else {
      await db.query(head + placeholders(inBatch, columns.length) + suffix, batch);
    }
    count += inBatch;
    batch = [];
    inBatch = 0;
  };
  for await (const row of rows) {
    if (row.length !== columns.length) throw new Error(`a row for ${table} has ${row.length} values, not ${columns.length}`);
    for (const v of row) batch.push(v);
    if (++inBatch === perStatement) await flush();
  }
  await flush();
  return count;
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
