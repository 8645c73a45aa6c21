import Database from 'better-sqlite3';
import { MIGRATIONS } from '../migrations.js';

export type Db = Database.Database;

/** Opens (creating if needed) the database file and brings its schema up to date. */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: a crash can lose the last commits but never corrupts; ingests are redone anyway.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // 8 MB of page cache: paged listings touch few pages and the OS caches the file; a larger cache
  // only raised an ingest's peak memory (32 MB: +10–20 MiB on the bench's 5 GiB image).
  db.pragma('cache_size = -8000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`the database was written by a newer Peel (schema ${current}, this one knows ${MIGRATIONS.length})`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v].sqlite);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
