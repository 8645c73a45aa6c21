import { createReadStream, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp, type AppOptions } from '../src/app.js';
import { databaseFor, testServerUrl } from './postgres/databases.js';
import type { Db } from '../src/store/sqlite/db.js';
import type { SqliteStore } from '../src/store/sqlite/index.js';

export const FIXTURES = resolve(import.meta.dirname, '../../../fixtures');
export const fixture = (name: string): string => join(FIXTURES, name.endsWith('.tar') ? name : `${name}.tar`);

/** A fresh temporary directory; remove it with `rm` when done. */
export const tempDir = (prefix = 'peel-test-'): Promise<string> => mkdtemp(join(tmpdir(), prefix));
export const removeDir = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });

const databases = new WeakMap<FastifyInstance, string>();

/**
 * The app under test on `dataDir` (every JSON reply checked against its route's schema: a mismatch
 * is a 500): its index in SQLite there, or in the PostgreSQL run
 * (vitest.postgres.config.ts, PEEL_TEST_DATABASE_URL) in that server's database for the folder.
 */
export async function build(dataDir: string, opts: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const databaseUrl = testServerUrl() ? await databaseFor(dataDir) : undefined;
  const app = await buildApp({ dataDir, databaseUrl, checkReplies: true, ...(process.env.PEEL_TEST_LOG ? { logger: { level: 'warn' } } : {}), ...opts });
  if (databaseUrl) databases.set(app, databaseUrl);
  return app;
}

/**
 * One SQL statement on the app's own database, whichever store it is on (`?` placeholders;
 * SQL both dialects read alike): what a test checks of the stored rows.
 */
export async function sql<T = Record<string, unknown>>(app: FastifyInstance, text: string, ...params: unknown[]): Promise<T[]> {
  const url = databases.get(app);
  if (!url) {
    const st = sqliteOf(app).prepare(text);
    if (st.reader) return st.all(...params) as T[];
    st.run(...params);
    return [];
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let n = 0;
    return (await client.query({ text: text.replace(/\?/g, () => `$${++n}`), values: params })).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Records `column` of every row inserted or updated in `table` (a trigger), until `stop`:
 * how many times the app wrote, as the database itself saw it.
 */
export async function recordWrites(app: FastifyInstance, table: string, column: string): Promise<{ seen: () => Promise<unknown[]>; stop: () => Promise<void> }> {
  const seen = async () => (await sql<{ v: unknown }>(app, `SELECT v FROM peel_test_writes`)).map((r) => r.v);
  if (!databases.has(app)) {
    sqliteOf(app).exec(`CREATE TEMP TABLE peel_test_writes (v);
      CREATE TEMP TRIGGER peel_test_ins AFTER INSERT ON main.${table} BEGIN INSERT INTO peel_test_writes VALUES (NEW.${column}); END;
      CREATE TEMP TRIGGER peel_test_upd AFTER UPDATE ON main.${table} BEGIN INSERT INTO peel_test_writes VALUES (NEW.${column}); END;`);
    return { seen, stop: async () => void sqliteOf(app).exec(`DROP TRIGGER temp.peel_test_ins; DROP TRIGGER temp.peel_test_upd; DROP TABLE temp.peel_test_writes;`) };
  }
  await sql(app, `CREATE TABLE peel_test_writes (v TEXT)`);
  await sql(app, `CREATE FUNCTION peel_test_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO peel_test_writes VALUES (NEW.${column}); RETURN NEW; END $$`);
  await sql(app, `CREATE TRIGGER peel_test_write AFTER INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION peel_test_write()`);
  return {
    seen,
    stop: async () => {
      await sql(app, `DROP TRIGGER peel_test_write ON ${table}`);
      await sql(app, `DROP FUNCTION peel_test_write`);
      await sql(app, `DROP TABLE peel_test_writes`);
    },
  };
}

/** The number `sql` answers for a `SELECT count(*) AS n …` (PostgreSQL counts are BIGINT strings here). */
export const count = async (app: FastifyInstance, text: string, ...params: unknown[]): Promise<number> =>
  Number((await sql<{ n: number | string }>(app, text, ...params))[0].n);

/** Uploads a file as the raw body, streamed, the way the browser sends a dropped File. */
export function upload(app: FastifyInstance, file: string, query = ''): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `/api/images${query ? `?${query}` : `?name=${encodeURIComponent(file.split('/').pop()!)}`}`,
    headers: { 'content-type': 'application/x-tar', 'content-length': String(statSync(file).size) },
    payload: createReadStream(file),
  });
}

export function uploadBytes(app: FastifyInstance, bytes: Buffer, name = 'upload.tar'): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `/api/images?name=${encodeURIComponent(name)}`,
    headers: { 'content-type': 'application/octet-stream' },
    payload: bytes,
  });
}

/** Uploads a fixture and returns the new image's id (fails the test on any other status). */
export async function ingest(app: FastifyInstance, name: string): Promise<string> {
  const res = await upload(app, fixture(name));
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`upload of ${name}: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

export async function getJson<T = unknown>(app: FastifyInstance, url: string): Promise<T> {
  const res = await app.inject(url);
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

/** What is on disk and in the database: to prove that a failed upload left nothing. */
export async function storeState(app: FastifyInstance, dataDir: string): Promise<{ blobs: string[]; temp: string[]; rows: Record<string, number> }> {
  await app.peel.idle();
  const blobs = (await readdir(join(dataDir, 'blobs', 'sha256'))).sort();
  const temp = await readdir(join(dataDir, 'blobs', 'tmp'));
  const rows: Record<string, number> = {};
  // The SQLite store's search index has tables of its own (PostgreSQL's is an index).
  const searchIndex = databases.get(app) ? [] : ['fs_folders', 'fs_names', 'fs_by_name', 'fs_by_name_ready', 'fs_name_counts'];
  for (const t of ['images', 'layers', 'image_layers', 'layer_entries', 'fs_nodes', 'fs_shadowed', 'layer_changes', 'archive_entries', 'image_blobs', ...searchIndex]) {
    rows[t] = await count(app, `SELECT count(*) AS n FROM ${t}`);
  }
  return { blobs, temp, rows };
}

/** An oracle listing (`path type mode uid/gid size link`, see fixtures/README.md). */
export function readListing(file: string): Array<{ path: string; type: string; mode: number; uid: number; gid: number; size: number; link: string }> {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [path, type, mode, owner, size, link = ''] = line.split('\t');
    const [uid, gid] = owner.split('/').map(Number);
    return { path, type, mode: parseInt(mode, 8), uid, gid, size: Number(size), link };
  });
}

/** The SQLite connection of an app on the embedded store (tests that look at its rows). */
export function sqliteOf(app: FastifyInstance): Db {
  return (app.peel.index as SqliteStore).db;
}
