import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/store/sqlite/db.js';
import { Conn } from '../src/store/sqlite/conn.js';
import { SqliteFs } from '../src/store/sqlite/fs.js';
import { SqliteListing } from '../src/store/sqlite/listing.js';

/**
 * Every read of one folder must seek to that folder: a plan that scans a whole layer (or image)
 * costs time in proportion to its entries on every call — which is how a file read from one
 * layer of a 100,000-entry layer took 9 ms, and a layer's folder sorted by size 30 ms, until
 * the layer queries named their index.
 */
describe('query plans of folder reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peel-plans-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The SQL of every statement FsRepo and ListingRepo prepare (paged ones included). */
  async function preparedSql(db: Db): Promise<string[]> {
    const seen: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      seen.push(sql);
      return prepare(sql);
    }) as Db['prepare'];
    const conn = Conn.open(db);
    new SqliteFs(conn);
    const listing = new SqliteListing(conn);
    for (const source of ['nodes', 'shadowed', 'layer', 'asOfNodes', 'asOfShadowed', 'lostAt'] as const) {
      const params = source.startsWith('asOf') || source === 'lostAt' ? { asOf: 1 } : {};
      for (const sort of ['name', 'size'] as const) {
        for (const group of [0, 1] as const) await listing.page(source, sort, group, source === 'layer' ? { layerDigest: 'sha256:0', layerIndex: 0 } : { image: 'x' }, 'etc', null, 10, params);
      }
    }
    db.prepare = prepare;
    return seen;
  }

  /** EXPLAIN QUERY PLAN's lines for `sql`, every parameter bound to a dummy value. */
  function plan(db: Db, sql: string): string[] {
    const named = [...new Set([...sql.matchAll(/@(\w+)/g)].map((m) => m[1]))];
    const stmt = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
    const rows = named.length > 0
      ? stmt.all(Object.fromEntries(named.map((n) => [n, 1])))
      : stmt.all(...Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 1));
    return (rows as Array<{ detail: string }>).map((r) => r.detail);
  }

  it('seek layer_entries, fs_nodes and fs_shadowed by folder, never scan a whole layer or image', async () => {
    const db = openDatabase(join(dir, 'peel.db'));
    try {
      const folderReads = (await preparedSql(db)).filter((sql) => /\bparent\s*=/.test(sql));
      expect(folderReads.filter((sql) => sql.includes('layer_entries')).length).toBeGreaterThanOrEqual(8);
      for (const sql of folderReads) {
        // A table is named in a plan by its alias when the statement gives it one.
        const aliases = [...sql.matchAll(/\b(?:FROM|JOIN)\s+(layer_entries|fs_nodes|fs_shadowed)\s+(?!WHERE|LEFT|JOIN|ON|ORDER)(\w+)/g)].map((m) => m[2]);
        const names = new RegExp(`\\b(layer_entries|fs_nodes|fs_shadowed${aliases.map((a) => `|${a}`).join('')})\\b`);
        const lines = plan(db, sql).filter((l) => names.test(l.replace(/\(.*\)/, '')));
        expect(lines.length, sql).toBeGreaterThan(0);
        for (const line of lines) {
          // The search must use the folder: `parent=?` in the index or primary key it seeks; or,
          // for the entry joined to each row of the folder, be one row by its primary key.
          expect(line, sql).toMatch(/^SEARCH .*\bparent=\?|^SEARCH \w+ USING PRIMARY KEY \(layer=\? AND seq=\?\)( LEFT-JOIN)?$/);
        }
      }
    } finally {
      db.close();
    }
  });

  it("a search's page after a cursor seeks past the cursor's key in both tables", async () => {
    const db = openDatabase(join(dir, 'peel-search.db'));
    try {
      const after = (await preparedSql(db)).filter((sql) => sql.includes('(parent, name) > (@parent, @name)') && sql.includes('fs_shadowed'));
      // One statement per way of matching (substring, globs, raw bytes).
      expect(after.length).toBeGreaterThanOrEqual(5);
      for (const sql of after) {
        const lines = plan(db, sql).filter((l) => /^(SEARCH|SCAN) /.test(l));
        expect(lines, sql).toEqual(['SEARCH fs_nodes USING PRIMARY KEY (image=? AND (parent,name)>(?,?))', 'SEARCH fs_shadowed USING PRIMARY KEY (image=? AND (parent,name,seq)>(?,?,?))']);
      }
    } finally {
      db.close();
    }
  });
});
