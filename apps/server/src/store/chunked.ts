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

/** Deletes the rows `where` selects, `chunk` at a time (keyed by the table's primary key). */
export async function deleteChunked(db: Db, table: string, key: string, where: string, params: unknown[], chunk: number): Promise<void> {
  const stmt = db.prepare(`DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ${chunk})`);
  while (stmt.run(...params).changes > 0) await nextTick();
}
