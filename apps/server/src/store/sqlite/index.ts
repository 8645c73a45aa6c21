import { RepoSet } from '../repo-set.js';
import type { Repos, Store } from '../types.js';
import { Conn } from './conn.js';
import { openDatabase, type Db } from './db.js';
import { SqliteArchive } from './archive.js';
import { SqliteChanges } from './changes.js';
import { SqliteDrafts } from './drafts.js';
import { SqliteFindings } from './findings.js';
import { SqliteFs } from './fs.js';
import { SqliteImages } from './images.js';
import { SqliteIngest } from './ingest.js';
import { SqliteListing } from './listing.js';
import { SqliteSearchIndex } from './search-index.js';

function repos(c: Conn, shared?: Pick<Repos, 'fs' | 'listing' | 'changes'>): Repos {
  return {
    images: new SqliteImages(c),
    // Read-only repositories hold prepared statements of their own: one set serves both sides.
    fs: shared?.fs ?? new SqliteFs(c),
    listing: shared?.listing ?? new SqliteListing(c),
    changes: shared?.changes ?? new SqliteChanges(c),
    archive: new SqliteArchive(c),
    drafts: new SqliteDrafts(c),
    findings: new SqliteFindings(c),
    ingest: new SqliteIngest(c),
    searchIndex: new SqliteSearchIndex(c),
  };
}

/** The embedded store: one SQLite file (WAL), one connection, one process (see folder-lock.ts). */
export class SqliteStore extends RepoSet implements Store {
  readonly kind = 'sqlite';
  private insideRepos: Repos | undefined;

  constructor(readonly db: Db, private readonly conn = Conn.open(db)) {
    super(repos(conn));
  }

  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    return this.conn.transaction((inside) => fn((this.insideRepos ??= repos(inside, this))));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

export function openSqliteStore(file: string): SqliteStore {
  return new SqliteStore(openDatabase(file));
}
