import { randomUUID } from 'node:crypto';
import { decodeName, encodeName } from '@peel/engine';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { PgConn } from '../../src/store/postgres/conn.js';
import { PgFs, type PathSearch } from '../../src/store/postgres/fs.js';
import { pathSearchOf } from '../../src/store/postgres/index.js';
import { insertRows } from '../../src/store/postgres/bulk.js';
import { migratePostgres } from '../../src/store/postgres/migrate.js';
import { openPool, type PgPool } from '../../src/store/postgres/pool.js';
import { absolutePath, lowerAsciiBytes } from '../byte-search.js';
import { databaseFor } from './databases.js';

const PG_MIGRATIONS = MIGRATIONS.map((m) => m.postgres);

/**
 * The substring search on PostgreSQL goes through a pg_trgm index when the migration could create
 * one, and scans the image's rows when it could not; either way it matches exactly what SQLite's
 * byte-wise instr(lower(path)) matches. The oracle is a byte search over the rows inserted here.
 */
const pools: PgPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.end()));
});
const raw = (...parts: Array<string | number[] | Buffer>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p as number[]))));
/** (parent, name) rows: many ordinary ones, and names with LIKE's own characters, upper case, non-UTF-8 bytes. */
const ROWS: Array<[Buffer, Buffer]> = [
  ...Array.from({ length: 100_000 }, (_, i): [Buffer, Buffer] => [raw(`usr/share/pkg${i % 400}`), raw(`file-${i}.txt`)]),
  [raw('opt/Weird'), raw('100%_Done\\x')],
  [raw('opt/Weird'), raw('100X_Done')],
  [raw('opt/Weird'), raw('ab_c')],
  [raw('opt/Weird'), raw('abXc')],
  [raw('opt/Weird'), raw('Caf', [0xc9], '-', [0xff, 0xfe])],
  [raw(''), raw('opt')],
];
const expected = (pattern: string) => ROWS.filter(([parent, name]) => lowerAsciiBytes(absolutePath(parent, name)).includes(encodeName(pattern))).map(([p, n]) => (p.length ? `${decodeName(p)}/${decodeName(n)}` : decodeName(n))).sort();
// '311' and '377' are in the escaped text of bytes 0xc9 and 0xff (\311, \377) but in no path.
const PATTERNS = ['311', '377', 'f\\3', 'pkg17/file-1', '100%_', '%', '_', '\\x', 'b_c', 'caf', decodeName(Buffer.from([0xff])), 'opt/weird/', 'no such thing'];

async function seeded(url: string): Promise<{ pool: PgPool; image: string }> {
  const pool = openPool(url);
  pools.push(pool);
  await migratePostgres(pool, PG_MIGRATIONS);
  const image = 'sha256:search';
  const { rows } = await pool.query<{ key: number }>(`INSERT INTO images (id, state, name, tags, format, platform, platforms, config_digest, config, history,
    problems, archive_digest, archive_size, outer_compression, size, layer_count, file_count, created_at)
    VALUES ($1, 'ready', 'x', '[]', 'oci', 'linux/amd64', '[]', 'sha256:c', '\\x7b7d', '[]', '[]', 'sha256:a', 0, 'none', 0, 1, 0, 'now') RETURNING key`, [image]);
  const key = rows[0].key;
  const node = ([parent, name]: [Buffer, Buffer]) => [key, parent, name, 'file', 0o644, 0, 0, '', '', 1, 0, null, 0, 0, null, 0, 0, 0, null, null, null];
  await insertRows(pool, 'fs_nodes', ['image', 'parent', 'name', 'type', 'mode', 'uid', 'gid', 'uname', 'gname', 'size', 'mtime', 'link_target',
    'dev_major', 'dev_minor', 'xattrs', 'layer', 'implicit', 'child_count', 'digest', 'content_layer', 'content_seq'], ROWS.map(node), { chunkRows: 2000 });
  // The same paths shadowed in a lower layer, so that deleted=true finds each twice.
  await insertRows(pool, 'fs_shadowed', ['image', 'parent', 'name', 'seq', 'type', 'mode', 'uid', 'gid', 'size', 'mtime', 'layer'],
    ROWS.map(([parent, name], seq) => [key, parent, name, seq, 'file', 0o644, 0, 0, 1, 0, 0]), { chunkRows: 2000 });
  await pool.query('ANALYZE fs_nodes');
  await pool.query('ANALYZE fs_shadowed');
  return { pool, image };
}

async function searchAll(fs: PgFs, image: string, pattern: string, deleted: boolean) {
  const { hits, total } = await fs.search(image, { pattern, mode: 'substring', deleted, limit: 1_000_000, offset: 0 });
  expect(total).toBe(hits.length);
  return hits.map((h) => h.path).sort();
}

async function expectExactMatches(pool: PgPool, image: string, search: PathSearch) {
  const fs = new PgFs(new PgConn(pool, null), search);
  for (const pattern of PATTERNS) {
    const want = expected(pattern);
    expect(await searchAll(fs, image, pattern, false), pattern).toEqual(want);
    expect(await searchAll(fs, image, pattern, true), pattern).toEqual([...want, ...want].sort());
  }
  // Globs (case-sensitive, on the decoded name, or the whole path when they hold a '/'): read
  // through the substring index by their longest literal run, then matched exactly.
  const name = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  const globs: Array<[string, (path: string) => boolean]> = [
    ['file-1*', (p) => name(p).startsWith('file-1')],
    ['*pkg17/file-1???.txt', (p) => /^usr\/share\/pkg17\/file-1\d\d\d\.txt$/.test(p)],
    ['*100%_*', (p) => name(p).includes('100%_')],
    ['*_D*', (p) => name(p).includes('_D')],
    ['[ab]b?c', (p) => ['abXc', 'ab_c'].includes(name(p))],
    ['/o?t/Weird/*', (p) => p.startsWith('opt/Weird/')],
    ['/o?t/WEIRD/*', () => false],
    [`*${decodeName(Buffer.from([0xff]))}*`, (p) => p.includes(decodeName(Buffer.from([0xff])))],
    ['*', () => true],
  ];
  for (const [glob, wanted] of globs) {
    const want = expected('').filter(wanted);
    const { hits, total } = await fs.search(image, { pattern: glob, mode: glob.includes('/') ? 'glob-path' : 'glob-name', deleted: false, limit: 1_000_000, offset: 0 });
    expect(hits.map((h) => h.path).sort(), glob).toEqual(want);
    expect(total, glob).toBe(want.length);
  }
  // A page past the first: the total is counted, not the page's length.
  const page = await fs.search(image, { pattern: 'file-1', mode: 'substring', deleted: false, limit: 10, offset: 20 });
  expect(page.hits).toHaveLength(10);
  expect(page.total).toBe(expected('file-1').length);
}

describe('substring search on PostgreSQL', () => {
  it('has a trigram index where pg_trgm can be created, which the search statement uses, and matches byte for byte', async () => {
    const { pool, image } = await seeded(await databaseFor(`search-index-${randomUUID()}`));
    expect(await pathSearchOf(pool)).toBe('trigram');
    await expectExactMatches(pool, image, 'trigram');

    // The plan of the statement as the store sends it: catch its text, then EXPLAIN it, both as
    // planned for these values and as the generic plan a prepared statement falls back to.
    const texts: string[] = [];
    const query = pool.query.bind(pool);
    pool.query = ((config: pg.QueryConfig, ...rest: unknown[]) => {
      texts.push(typeof config === 'string' ? config : config.text);
      return (query as (...a: unknown[]) => unknown)(config, ...rest);
    }) as typeof pool.query;
    await new PgFs(new PgConn(pool, null), 'trigram').search(image, { pattern: 'pkg17/file-1', mode: 'substring', deleted: true, limit: 50, offset: 0 });
    pool.query = query;
    const sql = texts.find((t) => t.includes('LIKE'))!;
    expect(sql).toBeDefined();
    const key = (await pool.query<{ key: number }>('SELECT key FROM images WHERE id = $1', [image])).rows[0].key;
    const args = [key, true, 50, 0, '%pkg17/file-1%', encodeName('pkg17/file-1')];
    const client = await pool.connect();
    try {
      const custom = (await client.query({ text: `EXPLAIN ${sql}`, values: args, rowMode: 'array' })).rows.join('\n');
      await client.query(`PREPARE search_plan AS ${sql}`);
      await client.query('SET plan_cache_mode = force_generic_plan');
      const generic = (await client.query({ text: `EXPLAIN EXECUTE search_plan(${key}, true, 50, 0, '%pkg17/file-1%', '\\x${encodeName('pkg17/file-1').toString('hex')}')`, rowMode: 'array' })).rows.join('\n');
      for (const plan of [custom, generic]) {
        expect(plan).toContain('fs_nodes_by_lower_path');
        expect(plan).toContain('fs_shadowed_by_lower_path');
        expect(plan).not.toMatch(/Seq Scan/);
      }
    } finally {
      client.release();
    }
  });

  it('migrates and scans, with the same matches, where CREATE EXTENSION is refused', async () => {
    // A role that may create tables in its schema but not extensions in the database (no CREATE on it).
    const role = `peel_t_noext_${randomUUID().slice(0, 8)}`;
    const url = await databaseFor(`search-index-${randomUUID()}`);
    const admin = openPool(url);
    pools.push(admin);
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    try {
      await admin.query(`GRANT CREATE ON SCHEMA public TO ${role}`);
      const asRole = new URL(url);
      asRole.username = role;
      const { pool, image } = await seeded(asRole.toString());
      expect((await pool.query(`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'pg_trgm'`)).rows[0].n).toBe(0);
      expect(await pathSearchOf(pool)).toBe('scan');
      await expectExactMatches(pool, image, 'scan');
      await pool.end();
      pools.splice(pools.indexOf(pool), 1);
    } finally {
      await admin.query(`DROP OWNED BY ${role} CASCADE`);
      await admin.query(`DROP ROLE ${role}`);
    }
  });
});
