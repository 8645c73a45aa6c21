import { setImmediate as nextTick } from 'node:timers/promises';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

/**
 * Runs `stmt` over `rows` in transactions of `chunk` rows, yielding to the event loop between
 * them so that reads of other images keep being served while a big image is written. Rows are
 * pulled one at a time inside the transaction: none outlives its insert, so none is promoted
 * to the old generation (a big ingest makes hundreds of thousands).
 */
export async function insertChunked(db: Db, stmt: Statement, rows: Iterable<unknown[]>, chunk: number, check?: () => void): Promise<number> {
  const it = rows[Symbol.iterator]();
  let done = false;
  const run = db.transaction((): number => {
    let n = 0;
    while (n < chunk) {
      const r = it.next();
      if (r.done) {
        done = true;
        break;
      }
      stmt.run(r.value);
      n++;
    }
    return n;
  });
  let count = 0;
  for (;;) {
    count += run();
    if (done) return count;
    await nextTick();
    check?.();
  }
}

/**
 * insertChunked for rows that arrive in async batches, each with its statement (one stream may
 * feed several tables): `chunk` rows per transaction, the event loop served between them.
 */
export async function insertBatches(db: Db, batches: AsyncIterable<Array<[Statement, unknown[]]>>, chunk: number, check?: () => void): Promise<number> {
  const run = db.transaction((rows: Array<[Statement, unknown[]]>) => {
    for (const [stmt, row] of rows) stmt.run(row);
  });
  let pending: Array<[Statement, unknown[]]> = [];
  let count = 0;
  for await (const batch of batches) {
    for (const r of batch) {
      pending.push(r);
      if (pending.length < chunk) continue;
      run(pending);
      count += pending.length;
      pending = [];
      await nextTick();
      check?.();
    }
  }
  run(pending);
  return count + pending.length;
}

/** Deletes the rows `where` selects, `chunk` at a time (keyed by the table's primary key). */
export async function deleteChunked(db: Db, table: string, key: string, where: string, params: unknown[], chunk: number): Promise<void> {
  const stmt = db.prepare(`DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ${chunk})`);
  while (stmt.run(...params).changes > 0) await nextTick();
}
