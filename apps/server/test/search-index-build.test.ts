import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { build, count, removeDir, tempDir, upload } from './helper.js';
import { generateDockerArchive } from './generate-image.js';
import { testServerUrl } from './postgres/databases.js';

/**
 * The SQLite store builds each image's rows by name in the background after its ingest (see
 * SearchIndexRepo): a delete, a delete and the same upload again, or a stop while it builds must
 * leave every image with all of its rows by name and its ready mark, or none of either.
 */
describe('the search index built in the background', () => {
  let dir: string;
  let tar: string;
  let app: FastifyInstance;
  const FILES = 12_000;

  beforeAll(async () => {
    dir = await tempDir();
    tar = join(dir, 'many.tar');
    await generateDockerArchive(tar, [
      { files: Array.from({ length: FILES }, (_, i) => ({ path: `d${i % 120}/f${String(i).padStart(5, '0')}.txt`, content: '' })) },
      { files: [], whiteouts: ['d7/f00007.txt', 'd8'] },
    ]);
  });
  afterAll(async () => {
    await app?.close();
    await removeDir(dir);
  });

  const keyOf = (id: string) => count(app, `SELECT key AS n FROM images WHERE id = ?`, id);
  /** fs_nodes + fs_shadowed rows, fs_by_name rows, ready marks of the image `key`. */
  const counts = async (key: number) => ({
    rows: (await count(app, `SELECT count(*) AS n FROM fs_nodes WHERE image = ?`, key)) + (await count(app, `SELECT count(*) AS n FROM fs_shadowed WHERE image = ?`, key)),
    byName: await count(app, `SELECT count(*) AS n FROM fs_by_name WHERE image = ?`, key),
    ready: await count(app, `SELECT count(*) AS n FROM fs_by_name_ready WHERE image = ?`, key),
  });
  const until = async (test: () => Promise<boolean>) => {
    for (let i = 0; i < 2000 && !(await test()); i++) await new Promise((r) => setTimeout(r, 5));
    expect(await test()).toBe(true);
  };
  const uploaded = async () => {
    const res = await upload(app, tar);
    expect([200, 201], res.body).toContain(res.statusCode);
    return res.json().id as string;
  };

  if (testServerUrl()) {
    it('is nothing to build on PostgreSQL: its trigram index is written with the rows', async () => {
      app = await build(join(dir, 'pg'));
      await uploaded();
      expect(await app.peel.index.searchIndex.pending()).toEqual([]);
    });
    return;
  }

  it('a delete while it builds stops it, and leaves no rows by name behind', async () => {
    app = await build(join(dir, 'delete'), { buildSearchIndex: false });
    const id = await uploaded();
    const key = await keyOf(id);
    expect(await app.peel.index.searchIndex.pending()).toEqual([id]);
    const building = app.peel.index.searchIndex.build(id, { signal: new AbortController().signal, chunkRows: 100 });
    await until(async () => (await counts(key)).byName > 0);
    expect((await app.inject({ method: 'DELETE', url: `/api/images/${id}` })).statusCode).toBe(204);
    await building;
    await app.peel.idle();
    expect(await counts(key)).toEqual({ rows: 0, byName: 0, ready: 0 });
    await app.close();
  });

  it('a stop while it builds, then a start: the start builds it whole', async () => {
    const data = join(dir, 'stop');
    app = await build(data, { buildSearchIndex: false });
    const id = await uploaded();
    const key = await keyOf(id);
    const abort = new AbortController();
    const building = app.peel.index.searchIndex.build(id, { signal: abort.signal, chunkRows: 100 });
    await until(async () => (await counts(key)).byName > 0);
    abort.abort();
    await expect(building).rejects.toThrow();
    const half = await counts(key);
    expect(half.byName).toBeLessThan(half.rows);
    expect(half.ready).toBe(0);
    await app.close();

    app = await build(data);
    await app.peel.idle();
    const whole = await counts(key);
    expect(whole).toEqual({ rows: half.rows, byName: half.rows, ready: 1 });
    expect(await app.peel.index.searchIndex.pending()).toEqual([]);
    await app.close();
  });

  it('deleted and uploaded again while it builds (the same id, maybe the same key): the new image gets its rows once', async () => {
    app = await build(join(dir, 'again'));
    const id = await uploaded();
    const key = await keyOf(id);
    await until(async () => (await counts(key)).byName > 0);
    expect((await app.inject({ method: 'DELETE', url: `/api/images/${id}` })).statusCode).toBe(204);
    expect(await uploaded()).toBe(id);
    await app.peel.idle();
    const now = await counts(await keyOf(id));
    expect(now.rows).toBeGreaterThan(FILES);
    expect(now).toEqual({ rows: now.rows, byName: now.rows, ready: 1 });
    // The search reads them: a name in every folder's range.
    const hits = (await app.inject(`/api/images/${id}/search?q=f00011.txt&deleted=1`)).json() as { total: number };
    expect(hits.total).toBe(1);
  });
});
