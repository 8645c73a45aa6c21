import { MIGRATIONS } from '../migrations.js';
import { RepoSet } from '../repo-set.js';
import type { Repos, SearchIndexRepo, Store } from '../types.js';
import { PgArchive } from './archive.js';
import { PgChanges } from './changes.js';
import { PgConn } from './conn.js';
import { PgDrafts } from './drafts.js';
import { PgFindings } from './findings.js';
import { PgFs, type PathSearch } from './fs.js';
import { PgImages } from './images.js';
import { PgIngest } from './ingest.js';
import { PgListing } from './listing.js';
import { migratePostgres } from './migrate.js';
import { inTransaction, openPool, type PgPool } from './pool.js';

/** Nothing to build: the trigram index on the paths is written with the rows. */
const PG_SEARCH_INDEX: SearchIndexRepo = {
  pending: async () => [],
  build: async () => {},
};

function repos(c: PgConn, search: PathSearch): Repos {
  return {
    images: new PgImages(c),
    fs: new PgFs(c, search),
    listing: new PgListing(c),
    changes: new PgChanges(c),
    archive: new PgArchive(c),
    drafts: new PgDrafts(c),
    findings: new PgFindings(c),
    ingest: new PgIngest(c),
    searchIndex: PG_SEARCH_INDEX,
  };
}

/**
 * The shared store: a pool of connections to one PostgreSQL database that several Peel
 * processes use at once. Nothing here assumes it is the only writer: an image becomes visible in
 * one UPDATE, drafts are guarded by their revision and row locks, layers by their row (see
 * ingest.ts, drafts.ts, purge.ts).
 */
export class PostgresStore extends RepoSet implements Store {
  readonly kind = 'postgres';

  constructor(private readonly pool: PgPool, private readonly search: PathSearch) {
    super(repos(new PgConn(pool, null), search));
  }

  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, (client) => fn(repos(new PgConn(this.pool, client), this.search)));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * How the substring search finds its rows: through the trigram indexes when the migration could
 * create them (pg_trgm present and allowed), else by scanning the image's rows.
 */
export async function pathSearchOf(pool: PgPool): Promise<PathSearch> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_indexes
    WHERE schemaname = current_schema() AND indexname IN ('fs_nodes_by_lower_path', 'fs_shadowed_by_lower_path')`);
  return rows[0].n === 2 ? 'trigram' : 'scan';
}

/** Connects to `url` and brings the schema up to date (once, whichever process starts first). */
export async function openPostgresStore(url: string): Promise<PostgresStore> {
  const pool = openPool(url);
  try {
    await migratePostgres(pool, MIGRATIONS.map((m) => m.postgres));
    return new PostgresStore(pool, await pathSearchOf(pool));
  } catch (e) {
    await pool.end();
    throw e;
  }
}
