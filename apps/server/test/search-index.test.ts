import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { decodeName } from '@peel/engine';
import { encodePathParam, type SearchResult } from '@peel/api';
import { build, getJson, ingest, removeDir, sql, tempDir, upload } from './helper.js';
import { generateDockerArchive, type GenFile } from './generate-image.js';
import { absolutePath, lowerAsciiBytes } from './byte-search.js';
import { testServerUrl } from './postgres/databases.js';

/**
 * The search answers what a byte search over every stored path answers, whichever way the store
 * finds its rows (SQLite: its folders and names first; PostgreSQL: a trigram index) and wherever
 * a pattern lies: in a folder, in a name, across the last '/', at the root, in upper case, in
 * bytes that are not UTF-8, in paths that only deleted entries still have. The oracle reads the
 * image's rows back from its database and searches their bytes here.
 */
interface Row { parent: Buffer; name: Buffer; deleted: boolean; seq: number }

const absPath = (r: Row): Buffer => absolutePath(r.parent, r.name);
const pathOf = (r: Row): string => decodeName(absPath(r));
const byPath = (a: Row, b: Row): number =>
  Buffer.compare(a.parent, b.parent) || Buffer.compare(a.name, b.name) || Number(a.deleted) - Number(b.deleted) || a.seq - b.seq;

/** Rows counted by a key's bytes (hex, lower case): [live, deleted]. */
function liveAndDeleted(rows: Row[], key: (r: Row) => Buffer): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const r of rows) {
    const k = key(r).toString('hex');
    const c = out.get(k) ?? [0, 0];
    c[r.deleted ? 1 : 0]++;
    out.set(k, c);
  }
  return out;
}

/** Deterministic choices (a fixed-seed LCG): the same patterns every run. */
function chooser(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
}

const nonUtf8Dir = Buffer.concat([Buffer.from('Lib'), Buffer.from([0xe9]), Buffer.from('s')]);
const nonUtf8Name = Buffer.concat([Buffer.from('Caf'), Buffer.from([0xc9, 0xff]), Buffer.from('.TXT')]);

/** Folders of many files with names repeated across them, upper and lower case, a deleted folder, overwrites. */
function layers(): Parameters<typeof generateDockerArchive>[1] {
  const base: GenFile[] = [];
  for (const pkg of ['alpha', 'Beta', 'gamma/nested', 'gamma/nested/deeper', 'usr/lib/node_modules/left-pad']) {
    for (const name of ['index.js', 'package.json', 'README.md', 'Readme.MD', 'lib.so.1', `${pkg.split('/').pop()}.conf`]) {
      base.push({ path: `${pkg}/${name}`, content: `${pkg}/${name}\n` });
    }
  }
  base.push({ path: 'top.txt', content: 'top\n' }, { path: 'doomed/inside/a.txt', content: 'a\n' }, { path: 'doomed/b.txt', content: 'b\n' });
  base.push({ path: Buffer.concat([nonUtf8Dir, Buffer.from('/'), nonUtf8Name]), content: 'raw\n' });
  return [
    { files: base },
    {
      files: [{ path: 'alpha/index.js', content: 'overwritten\n' }, { path: 'Beta/NEW-in-layer-1.txt', content: 'new\n' }],
      whiteouts: ['doomed', 'gamma/nested/deeper/README.md'],
    },
  ];
}

/**
 * SQLite answers through its folders and names until an image's rows by name are built (in the
 * background after the ingest), then through those: both ways are checked. PostgreSQL has one.
 */
const modes = testServerUrl() ? [{ built: true, label: '' }] : [
  { built: false, label: ' (SQLite, before the rows by name are built)' },
  { built: true, label: ' (SQLite, with the rows by name)' },
];

for (const { built, label } of modes) describe(`search answers what a byte search over every path answers${label}`, () => {
  let dir: string;
  let app: FastifyInstance;
  const images: Array<{ id: string; rows: Row[] }> = [];

  async function rowsOf(id: string): Promise<Row[]> {
    const [{ key }] = await sql<{ key: number }>(app, 'SELECT key FROM images WHERE id = ?', id);
    const live = await sql<{ parent: Buffer; name: Buffer }>(app, 'SELECT parent, name FROM fs_nodes WHERE image = ?', key);
    const gone = await sql<{ parent: Buffer; name: Buffer; seq: number }>(app, 'SELECT parent, name, seq FROM fs_shadowed WHERE image = ?', key);
    return [
      ...live.map((r) => ({ parent: Buffer.from(r.parent), name: Buffer.from(r.name), deleted: false, seq: 0 })),
      ...gone.map((r) => ({ parent: Buffer.from(r.parent), name: Buffer.from(r.name), deleted: true, seq: Number(r.seq) })),
    ].filter((r) => r.name.length > 0);
  }

  beforeAll(async () => {
    dir = await tempDir();
    const tar = join(dir, 'search.tar');
    await generateDockerArchive(tar, layers());
    app = await build(join(dir, 'data'), { buildSearchIndex: built });
    const res = await upload(app, tar);
    expect(res.statusCode, res.body).toBe(201);
    const ids = [res.json().id as string, await ingest(app, 'multi-docker-legacy')];
    // Names unlike each other (content hashes, as in a git object store), more than the store
    // keeps in memory while it sorts them: both sorts spill runs to disk, the ingest's of the
    // names and the build's of the rows by name. Its ingest is the same in both modes, so the
    // run before the build leaves it out.
    if (built) {
      const hashed = join(dir, 'hashed.tar');
      const hash = (i: number) => createHash('sha1').update(String(i)).digest('hex');
      await generateDockerArchive(hashed, [
        { files: Array.from({ length: 40_000 }, (_, i) => ({ path: `objects/${hash(i).slice(0, 2)}/${hash(i).slice(2)}`, content: '' })) },
        { files: [], whiteouts: Array.from({ length: 50 }, (_, i) => `objects/${hash(i).slice(0, 2)}/${hash(i).slice(2)}`) },
      ]);
      const hashedUpload = await upload(app, hashed);
      expect(hashedUpload.statusCode, hashedUpload.body).toBe(201);
      ids.push(hashedUpload.json().id as string);
    }
    for (const id of ids) images.push({ id, rows: await rowsOf(id) });
    await app.peel.idle();
    if (!testServerUrl()) {
      // Every row of each image by name once built, none before; the rows of each name and of each folder counted.
      for (const { id, rows } of images) {
        const [{ key }] = await sql<{ key: number }>(app, 'SELECT key FROM images WHERE id = ?', id);
        const [{ n }] = await sql<{ n: number }>(app, 'SELECT count(*) AS n FROM fs_by_name WHERE image = ? AND length(name) > 0', key);
        const [{ ready }] = await sql<{ ready: number }>(app, 'SELECT count(*) AS ready FROM fs_by_name_ready WHERE image = ?', key);
        expect([n, ready], id).toEqual(built ? [rows.length, 1] : [0, 0]);
        // Each name's rows, live and deleted, counted as the rows by name are written.
        const want = liveAndDeleted(rows, (r) => r.name);
        const counts = await sql<{ name: string; live: number; shadowed: number }>(app, 'SELECT hex(name) AS name, live, shadowed FROM fs_name_counts WHERE image = ? AND length(name) > 0', key);
        expect(new Map(counts.map((c) => [c.name.toLowerCase(), [c.live, c.shadowed]])), id).toEqual(built ? want : new Map());
        // Each folder's rows, live and deleted, counted as the merged rows are written.
        const inFolder = liveAndDeleted(rows, (r) => r.parent);
        const folders = await sql<{ folder: string; live: number; shadowed: number }>(app, 'SELECT hex(folder) AS folder, live_rows AS live, shadowed_rows AS shadowed FROM fs_folders WHERE image = ?', key);
        expect(new Map(folders.map((f) => [f.folder.toLowerCase(), [f.live, f.shadowed]])), id).toEqual(inFolder);
      }
    }
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  async function search(id: string, q: string, query: string): Promise<SearchResult> {
    return getJson<SearchResult>(app, `/api/images/${id}/search?q=${encodePathParam(q)}&${query}`);
  }

  /** Every hit of `q` through the API, in pages of `limit`, as the oracle's lines. */
  async function allHits(id: string, q: string, deleted: boolean, limit: number): Promise<{ lines: string[]; totals: number[] }> {
    const lines: string[] = [];
    const totals: number[] = [];
    for (let offset = 0; ; offset += limit) {
      const page = await search(id, q, `deleted=${deleted ? 1 : 0}&limit=${limit}&offset=${offset}`);
      totals.push(page.total);
      lines.push(...page.items.map((i) => `${i.path}${i.deleted ? ' (deleted)' : ''}`));
      if (page.items.length < limit) return { lines, totals };
    }
  }

  /** The oracle's answer: the rows whose lowered path holds the lowered bytes of `q`, in the search's order. */
  const lowered = new Map<Row[], Array<{ row: Row; path: Buffer; line: string }>>();
  const expected = (rows: Row[], q: string, deleted: boolean): string[] => {
    let paths = lowered.get(rows);
    if (!paths) {
      paths = [...rows].sort(byPath).map((row) => ({ row, path: lowerAsciiBytes(absPath(row)), line: `${pathOf(row)}${row.deleted ? ' (deleted)' : ''}` }));
      lowered.set(rows, paths);
    }
    const needle = lowerAsciiBytes(Buffer.from(q));
    return paths.filter((p) => (deleted || !p.row.deleted) && p.path.includes(needle)).map((p) => p.line);
  };

  it('substrings of every kind, live and deleted, paged', async () => {
    for (const { id, rows } of images) {
      const pick = chooser(rows.length);
      // The hashed image's 40,000 rows: a sample of them, and on SQLite a folder part that all of
      // them are in (more hits than the rows by name it sorts: it counts the folders' rows instead).
      const big = rows.length > 1000;
      const patterns = new Set(big ? ['no-such-thing', 'objects/ff/', '/0', ...(testServerUrl() ? [] : ['objects/'])] : ['/', 'no-such-thing', 'README', 'readme.md', '.conf', 'nested/', '/nested/',
        'gamma/nested/dee', 'ta/index', 'left-pad/pack', '/top', 'doomed', 'doomed/inside/a.txt', '.js', 'e']);
      // Cut from real paths: wholly in the folder part, across the last '/', in the name, whole.
      for (let k = 0; k < Math.min(rows.length, big ? 40 : 150); k++) {
        const p = pathOf(rows[big ? pick(rows.length) : k]);
        if (!/^[\x20-\x7e]+$/.test(p)) continue;
        const slash = p.lastIndexOf('/');
        const a = pick(slash + 1);
        patterns.add(p.slice(a, slash + 1));
        patterns.add(p.slice(a, slash + 2 + pick(p.length - slash - 1)));
        patterns.add(p.slice(slash + 1 + pick(p.length - slash - 1)));
        patterns.add(p.toUpperCase());
      }
      expect(patterns.size).toBeGreaterThan(big ? 40 : 60);
      for (const q of patterns) {
        for (const deleted of [false, true]) {
          const want = expected(rows, q, deleted);
          const got = await allHits(id, q, deleted, 1000);
          expect(got.lines, `${q} deleted=${deleted}`).toEqual(want);
          expect(new Set(got.totals), q).toEqual(new Set([want.length]));
        }
      }
      // On SQLite, names found in more rows than it sorts ('0', 'a': in most of the hashes, and in
      // some folders' part), counted by name: the first, a middle and the last page, and the total.
      if (big && !testServerUrl()) {
        for (const q of ['0', 'a', 'A']) {
          for (const deleted of [false, true]) {
            const want = expected(rows, q, deleted);
            expect(want.length, q).toBeGreaterThan(20_000);
            for (const offset of [0, 17_001, want.length - 10]) {
              const page = await search(id, q, `deleted=${deleted ? 1 : 0}&limit=1000&offset=${offset}`);
              expect(page.items.map((i) => `${i.path}${i.deleted ? ' (deleted)' : ''}`), `${q} deleted=${deleted} offset=${offset}`).toEqual(want.slice(offset, offset + 1000));
              expect(page.total, q).toBe(want.length);
            }
          }
        }
      }
      // Pages of 3 add up to the whole list, each telling the same total.
      for (const q of big ? ['objects/0a/'] : ['index', '/', 'e', 'nested/', 'a/']) {
        const want = expected(rows, q, true);
        const paged = await allHits(id, q, true, 3);
        expect(paged.lines, q).toEqual(want);
        expect(new Set(paged.totals), q).toEqual(new Set([want.length]));
      }
    }
  });

  it('pages followed by their cursors hold what pages by offset hold, however each search is read', async () => {
    const line = (i: SearchResult['items'][number]) => `${i.path}${i.deleted ? ' (deleted)' : ''}`;
    /** Every hit through `next` cursors, checking each page's offset and that `next` ends the list. */
    const byCursor = async (id: string, q: string, deleted: boolean, limit: number) => {
      const lines: string[] = [];
      let page = await search(id, q, `deleted=${deleted ? 1 : 0}&limit=${limit}`);
      for (;;) {
        expect(page.offset, q).toBe(lines.length);
        lines.push(...page.items.map(line));
        if (page.next === null) break;
        expect(page.items.length, q).toBe(limit);
        page = await search(id, q, `deleted=${deleted ? 1 : 0}&limit=${limit}&cursor=${page.next}`);
      }
      expect(lines.length, q).toBe(page.total);
      return lines;
    };
    const small = images[0];
    // Pages of one: a cursor on every hit, a live path's versions that are gone just after it
    // (alpha/index.js), a folder that matches whole; globs on the path are read by the scan.
    for (const q of ['index', 'a/', 'e', '*.js', '/gamma/*/README.md', '/*/index.js', '/*']) {
      for (const deleted of [false, true]) {
        const want = (await allHits(small.id, q, deleted, 1000)).lines;
        expect(want.length, q).toBeGreaterThan(0);
        expect(await byCursor(small.id, q, deleted, 1), `${q} deleted=${deleted}`).toEqual(want);
      }
    }
    // The hashed image on SQLite: names in more rows than it sorts, their pages read by the scan
    // from the cursor; and a folder part every row is in.
    const big = images.find((i) => i.rows.length > 1000);
    if (big && !testServerUrl()) {
      for (const q of ['a', 'objects/']) {
        const want = expected(big.rows, q, true);
        expect(await byCursor(big.id, q, true, 1000), q).toEqual(want);
      }
    }
    // A glob most of the hashed image's names match: on PostgreSQL, pages after the first stop
    // reading candidates at the page's end (the cursor tells the total).
    if (big) {
      const want = big.rows.filter((r) => /a/.test(decodeName(r.name))).sort(byPath).map((r) => `${pathOf(r)}${r.deleted ? ' (deleted)' : ''}`);
      expect(await byCursor(big.id, '*a*', true, 1000)).toEqual(want);
    }
    // The last page has no cursor; a cursor from another listing, or beside an offset, is refused.
    const last = await search(small.id, 'index', 'deleted=1&limit=1000');
    expect(last.next).toBeNull();
    const first = await search(small.id, 'index', 'deleted=1&limit=1');
    expect(first.next).toEqual(expect.any(String));
    for (const [query, code] of [[`cursor=${first.next}&offset=1`, 'BAD_QUERY'], ['cursor=bm9wZQ', 'BAD_CURSOR'], [`cursor=${Buffer.from('["c",1]').toString('base64url')}`, 'BAD_CURSOR'],
      [`cursor=${Buffer.from('["h",-1,5,"","",0,0]').toString('base64url')}`, 'BAD_CURSOR'],
      [`cursor=${Buffer.from('["h",5,5,"","",0,0]').toString('base64url')}`, 'BAD_CURSOR']] as const) {
      const res = await app.inject({ method: 'GET', url: `/api/images/${small.id}/search?q=index&${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code, query).toBe(code);
    }
  });

  it("a hit whose path is too long to carry in a cursor: the next page's cursor holds its position, and the pages go on", async () => {
    const deep = `deep/${Array.from({ length: 15 }, (_, i) => `${i}`.padEnd(190, 'd')).join('/')}`;
    const tar = join(dir, 'long-paths.tar');
    await generateDockerArchive(tar, [{ files: ['a/hit-1', `${deep}/hit-2`, `${deep}/hit-3`, 'z/hit-4'].map((path) => ({ path, content: 'x\n' })) }]);
    const res = await upload(app, tar);
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    const want = ['/a/hit-1', `/${deep}/hit-2`, `/${deep}/hit-3`, '/z/hit-4'];
    for (const q of ['hit-', '*hit-*', '/*/hit-*']) {
      const paths: string[] = [];
      const cursors: string[] = [];
      let page = await search(id, q, 'limit=1');
      for (;;) {
        paths.push(...page.items.map((i) => i.path));
        if (page.next === null) break;
        cursors.push(page.next);
        page = await search(id, q, `limit=1&cursor=${page.next}`);
      }
      expect(paths, q).toEqual(want);
      // After a hit of ~2,900 bytes the cursor is its position, not the ~5,200 characters of its key.
      expect(cursors.map((c) => c.length < 200), q).toEqual([true, true, true]);
    }
  });

  it('bytes that are not UTF-8, in the folder and in the name', async () => {
    const { id, rows } = images[0];
    const asQuery = (b: Buffer) => decodeName(b);
    const cases: Array<[Buffer, number]> = [
      // The folder and the file in it.
      [Buffer.concat([Buffer.from('lib'), Buffer.from([0xe9])]), 2],
      [Buffer.from([0xc9, 0xff]), 1],
      [Buffer.concat([Buffer.from([0xe9]), Buffer.from('s/caf'), Buffer.from([0xc9])]), 1],
      [Buffer.from([0xe9, 0xe9]), 0],
    ];
    for (const [bytes, n] of cases) {
      const got = await search(id, asQuery(bytes), 'deleted=1');
      const want = rows.filter((r) => lowerAsciiBytes(absPath(r)).includes(lowerAsciiBytes(bytes))).sort(byPath).map(pathOf);
      expect(want.length).toBe(n);
      expect(got.items.map((i) => i.path)).toEqual(want);
      expect(got.total).toBe(n);
    }
  });

  it('globs on the name, and on the whole path', async () => {
    const { id, rows } = images[0];
    const names = (pattern: RegExp, deleted: boolean) => rows.filter((r) => (deleted || !r.deleted) && pattern.test(decodeName(r.name))).sort(byPath).map(pathOf);
    for (const [glob, re] of [['*.MD', /\.MD$/], ['readme.*', /^readme\./], ['[Rr]eadme.m?', /^[Rr]eadme\.m.$/], ['*.conf', /\.conf$/], ['lib.so.[0-9]', /^lib\.so\.[0-9]$/]] as const) {
      for (const deleted of [false, true]) {
        const got = await search(id, glob, `deleted=${deleted ? 1 : 0}&limit=1000`);
        expect(got.items.map((i) => i.path), glob).toEqual(names(re, deleted));
        expect(got.total, glob).toBe(names(re, deleted).length);
      }
    }
    // Globs that most of the hashed image's 40,000 names match: on PostgreSQL its candidates come
    // a batch at a time, only the page kept; the total counts them all.
    const big = images.find((i) => i.rows.length > 1000);
    if (big) {
      for (const [glob, re] of [['*a*', /a/], ['/objects/?0/*', /^\/objects\/.0\//]] as const) {
        const want = big.rows.filter((r) => re.test(glob.includes('/') ? pathOf(r) : decodeName(r.name))).sort(byPath).map((r) => `${pathOf(r)}${r.deleted ? ' (deleted)' : ''}`);
        expect(want.length, glob).toBeGreaterThan(glob.includes('/') ? 2000 : 20_000);
        for (const offset of [0, 4095, want.length - 7]) {
          const got = await search(big.id, glob, `deleted=1&limit=1000&offset=${offset}`);
          expect(got.items.map((i) => `${i.path}${i.deleted ? ' (deleted)' : ''}`), `${glob} offset=${offset}`).toEqual(want.slice(offset, offset + 1000));
          expect(got.total, glob).toBe(want.length);
        }
      }
    }
    const path = await search(id, '/gamma/*/README.md', 'deleted=1&limit=1000');
    expect(path.items.map((i) => `${i.path}${i.deleted ? ' (deleted)' : ''}`)).toEqual(['/gamma/nested/README.md', '/gamma/nested/deeper/README.md (deleted)']);
  });
});
