import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { insertRows } from '../../src/store/postgres/bulk.js';
import { migratePostgres } from '../../src/store/postgres/migrate.js';
import { PgConn } from '../../src/store/postgres/conn.js';
import { inTransaction, openPool, type PgPool } from '../../src/store/postgres/pool.js';
import { MIGRATIONS } from '../../src/store/migrations.js';

const PG_MIGRATIONS = MIGRATIONS.map((m) => m.postgres);
import { databaseFor } from './databases.js';

const pools: PgPool[] = [];
async function freshPool(): Promise<PgPool> {
  const pool = openPool(await databaseFor(`pool-test-${randomUUID()}`));
  pools.push(pool);
  return pool;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.end()));
});

describe('PostgreSQL migrations', () => {
  it('several processes starting at once apply each version exactly once', async () => {
    const url = await databaseFor(`pool-test-${randomUUID()}`);
    const starters = Array.from({ length: 4 }, () => openPool(url, 2));
    pools.push(...starters);
    await Promise.all(starters.map((p) => migratePostgres(p, PG_MIGRATIONS)));
    const db = starters[0];
    expect((await db.query('SELECT version FROM schema_version')).rows).toEqual([{ version: PG_MIGRATIONS.length }]);
    const tables = (await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).rows.map((r) => r.table_name);
    expect(tables).toEqual(['archive_entries', 'draft_ops', 'drafts', 'fs_nodes', 'fs_shadowed', 'image_blobs', 'image_findings', 'image_layers', 'images', 'layer_changes', 'layer_entries', 'layers', 'schema_version']);
    await migratePostgres(db, PG_MIGRATIONS);
    expect((await db.query('SELECT count(*) FROM schema_version')).rows[0].count).toBe(1);
  });

  it('refuses a database a newer Peel wrote', async () => {
    const db = await freshPool();
    await migratePostgres(db, PG_MIGRATIONS);
    await db.query('UPDATE schema_version SET version = version + 1');
    await expect(migratePostgres(db, PG_MIGRATIONS)).rejects.toThrow(/newer Peel/);
  });
});

describe('bulk rows', () => {
  it('stores raw names as bytes and lists them in byte order, across chunk boundaries', async () => {
    const db = await freshPool();
    await migratePostgres(db, PG_MIGRATIONS);
    // Bytes that are not UTF-8, a NUL, and bytes above and below '/': a text column would reject,
    // re-encode or collate them.
    const names = Array.from({ length: 2503 }, (_, i) => Buffer.from([i % 251, 0xff - (i % 7), 0x2f + (i % 3), 0, i >> 8, i & 0xff]));
    const rows = (async function* () {
      for (const [seq, name] of names.entries()) yield [1, seq, Buffer.alloc(0), name, 'file', 0o644, 0, 0, '', '', seq, 0.5, null, 0, 0, null, 0, 0, null, 0];
    })();
    const cols = ['layer', 'seq', 'parent', 'name', 'type', 'mode', 'uid', 'gid', 'uname', 'gname', 'size', 'mtime', 'link_target', 'dev_major', 'dev_minor', 'xattrs', 'data_offset', 'header_offset', 'digest', 'implicit'];
    expect(await insertRows(db, 'layer_entries', cols, rows, { chunkRows: 1000 })).toBe(names.length);
    const back = (await db.query<{ name: Buffer; size: number }>('SELECT name, size FROM layer_entries WHERE layer = 1 ORDER BY parent, name')).rows;
    expect(back.map((r) => r.name.toString('hex'))).toEqual([...names].sort(Buffer.compare).map((n) => n.toString('hex')));
    expect(typeof back[0].size).toBe('number');
  });

  it('splits a chunk that would pass the 65,535-parameter bound', async () => {
    const db = await freshPool();
    await db.query('CREATE TABLE wide (a BIGINT, b BIGINT, c BIGINT, d BIGINT, e BIGINT, f BIGINT, g BIGINT, h BIGINT, i BIGINT, j BIGINT)');
    const rows = Array.from({ length: 20_000 }, (_, n) => Array.from({ length: 10 }, (_, k) => n * 10 + k));
    expect(await insertRows(db, 'wide', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], rows, { chunkRows: 20_000 })).toBe(20_000);
    expect((await db.query('SELECT count(*) AS n, sum(j) AS s FROM wide')).rows[0]).toEqual({ n: 20_000, s: rows.reduce((s, r) => s + r[9], 0) });
  });

  it('stops between statements when the check throws', async () => {
    const db = await freshPool();
    await db.query('CREATE TABLE one (a BIGINT)');
    let statements = 0;
    const check = () => {
      if (++statements > 2) throw new Error('stopped');
    };
    await expect(insertRows(db, 'one', ['a'], Array.from({ length: 50 }, (_, i) => [i]), { chunkRows: 10, check })).rejects.toThrow('stopped');
    expect((await db.query('SELECT count(*) AS n FROM one')).rows[0].n).toBe(20);
  });
});

describe('transactions', () => {
  it('roll back everything when the work throws', async () => {
    const db = await freshPool();
    await db.query('CREATE TABLE t (a BIGINT)');
    await expect(inTransaction(db, async (c) => {
      await c.query('INSERT INTO t VALUES (1)');
      throw new Error('no');
    })).rejects.toThrow('no');
    expect((await db.query('SELECT count(*) AS n FROM t')).rows[0].n).toBe(0);
  });

  it('run again when they lose a serialization race, so no increment is lost', async () => {
    const db = openPool(await databaseFor(`pool-test-${randomUUID()}`), 8);
    pools.push(db);
    await db.query('CREATE TABLE counter (n BIGINT NOT NULL)');
    await db.query('INSERT INTO counter VALUES (0)');
    const bump = () => inTransaction(db, async (c) => {
      const { rows } = await c.query<{ n: number }>('SELECT n FROM counter');
      await new Promise((r) => setTimeout(r, 5));
      await c.query('UPDATE counter SET n = $1', [rows[0].n + 1]);
    }, { isolation: 'serializable', retries: 100 });
    await Promise.all(Array.from({ length: 12 }, bump));
    expect((await db.query('SELECT n FROM counter')).rows[0].n).toBe(12);
  });

  it('never wait for a second pooled client: the store own statements and transactions inside one join it', async () => {
    // One connection: a transaction asking the pool for another would wait forever.
    const db = openPool(await databaseFor(`pool-test-${randomUUID()}`), 1);
    pools.push(db);
    await db.query('CREATE TABLE t (a BIGINT)');
    const store = new PgConn(db, null);
    const work = (a: number) => inTransaction(db, async (c) => {
      await c.query('INSERT INTO t VALUES ($1)', [a]);
      // What a service reaches through the store rather than its transaction's repos.
      const seen = await store.rows<{ a: number }>('SELECT a FROM t ORDER BY a');
      const nested = await store.tx((t) => t.one<{ n: number }>('SELECT count(*) AS n FROM t'));
      return { seen: seen.map((r) => r.a), nested: nested!.n };
    });
    const results = await Promise.race([
      Promise.all([1, 2, 3, 4].map(work)),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a transaction waited for a second client')), 10_000)),
    ]);
    // Each saw its own uncommitted row: the same connection, the same transaction.
    for (const [i, r] of results.entries()) {
      expect(r.seen).toContain(i + 1);
      expect(r.nested).toBe(r.seen.length);
    }
    // Once committed, a statement outside goes to the pool again.
    expect((await store.rows<{ a: number }>('SELECT a FROM t ORDER BY a')).map((r) => r.a)).toEqual([1, 2, 3, 4]);
  });

  it('refuse an integer past 2^53 instead of rounding it', async () => {
    const db = await freshPool();
    await expect(db.query('SELECT 9007199254740993::bigint AS n')).rejects.toThrow(/beyond 2\^53/);
    expect((await db.query('SELECT 9007199254740991::bigint AS n')).rows[0].n).toBe(9007199254740991);
  });
});
