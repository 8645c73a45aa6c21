import { setImmediate as nextTick } from 'node:timers/promises';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

/**
 * Runs `stmt` over `rows` in transactions of `chunk` rows, yielding to the event loop between
 * them so that reads of other images keep being served while a big image is written.
 */
export async function insertChunked(db: Db, stmt: Statement, rows: Iterable<unknown[]>, chunk: number, check?: () => void): Promise<number> {
  const run = db.transaction((batch: unknown[][]) => {
    for (const r of batch) stmt.run(r);
  });
  let batch: unknown[][] = [];
  let count = 0;
  for (const row of rows) {
    batch.push(row);
    if (batch.length >= chunk) {
      run(batch);
      count += batch.length;
      batch = [];
      await nextTick();
      check?.();
    }
  }
  if (batch.length > 0) run(batch);
  return count + batch.length;
}

/** Deletes the rows `where` selects, `chunk` at a time (keyed by the table's primary key). */
export async function deleteChunked(db: Db, table: string, key: string, where: string, params: unknown[], chunk: number): Promise<void> {
  const stmt = db.prepare(`DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ${chunk})`);
  while (stmt.run(...params).changes > 0) await nextTick();
}
