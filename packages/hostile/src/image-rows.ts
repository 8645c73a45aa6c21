import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Image rows of an embedded data folder in any state (pending and deleting included): what a
 * refused or interrupted upload must not leave behind. Read through a read-only connection of
 * its own, beside the running server's.
 */
export function imageRowCount(dataDir: string): number {
  const db = new Database(join(dataDir, 'peel.db'), { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM images').pluck().get() as number;
  } finally {
    db.close();
  }
}
