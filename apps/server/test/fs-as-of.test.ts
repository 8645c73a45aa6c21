import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { FsEntry, FsPage } from '@peel/api';
import { openDatabase } from '../src/store/sqlite/db.js';
import { build, getJson, removeDir, tempDir, upload } from './helper.js';
import { generateDockerArchive } from './generate-image.js';

/**
 * Folder bytes (bytesBelow) and the filesystem as of a layer (asOf=N) on an image whose every
 * number is written here: the sizes are the generated files' own. (The interop suite holds both
 * against `docker export`.)
 */
describe('folder bytes and the filesystem as of a layer', () => {
  let dir: string;
  let app: FastifyInstance;
  let id: string;
  const page = (query: string) => getJson<FsPage>(app, `/api/images/${id}/fs?paged=1&${query}`);
  const names = (p: FsPage) => p.items.map((e) => e.name);

  beforeAll(async () => {
    dir = await tempDir();
    app = await build(join(dir, 'data'));
    const archive = join(dir, 'gen.tar');
    const f = (path: string, size: number) => ({ path, content: Buffer.alloc(size, 0x61) });
    await generateDockerArchive(archive, [
      // Layer 0: /big 1000 + 10, /small 5, /gone 7.
      { files: [f('big/a', 1000), f('big/sub/b', 10), f('small/c', 5), f('gone/d', 7), f('top', 3)] },
      // Layer 1: /small grows to 5 + 2000; /big/a is overwritten with 1 byte, /big declared again
      // as 0700; /gone deleted.
      { files: [f('small/e', 2000), f('big/a', 1)], whiteouts: ['gone'], dirModes: { big: 0o700 } },
      // Layer 2: a symlink (no bytes) and /gone again as a file.
      { files: [{ path: 'small/link', symlink: 'e' }, f('gone', 4)] },
    ]);
    const res = await upload(app, archive);
    expect(res.statusCode, res.body).toBe(201);
    id = (res.json() as { id: string }).id;
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('folders carry the bytes below them and sort=size orders them by it', async () => {
    const root = await page('path=/');
    const bytes = Object.fromEntries(root.items.filter((e) => e.type === 'dir').map((e) => [e.name, e.bytesBelow]));
    expect(bytes).toEqual({ big: 11, small: 2005 });
    expect(names(await page('path=/&sort=size'))).toEqual(['small', 'big', 'gone', 'top']);
    expect(names(await page('path=/'))).toEqual(['big', 'small', 'gone', 'top']);
    // The whole (unpaged) listing says the same.
    const whole = await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=/big`);
    expect(whole.find((e) => e.name === 'sub')?.bytesBelow).toBe(10);
    // A layer's own entries have no merged folder totals.
    expect((await page('path=/&layer=0')).items.every((e) => e.bytesBelow === undefined)).toBe(true);
  });

  it('as of a layer: what was there then, each entry with the layer that wrote it last', async () => {
    const at0 = await page('path=/&asOf=0');
    expect(at0.items.map((e) => [e.name, e.type, e.layer])).toEqual([['big', 'dir', 0], ['gone', 'dir', 0], ['small', 'dir', 0], ['top', 'file', 0]]);
    // /big as layer 0 made it, not as layer 1 declared it again (the merged view's).
    expect(at0.items[0].mode).toBe(0o755);
    expect((await page('path=/&asOf=1&name=big')).items.map((e) => [e.mode, e.layer])).toEqual([[0o700, 1]]);
    expect((await page('path=/&name=big')).items.map((e) => [e.mode, e.layer])).toEqual([[0o700, 1]]);
    expect(at0.total).toBe(4);
    expect((await page('path=/big&asOf=0&name=a')).items.map((e) => [e.size, e.layer])).toEqual([[1000, 0]]);
    expect((await page('path=/big&asOf=1&name=a')).items.map((e) => [e.size, e.layer])).toEqual([[1, 1]]);
    expect(names(await page('path=/gone&asOf=0'))).toEqual(['d']);
    const at1 = await page('path=/&asOf=1');
    expect(at1.items.map((e) => e.name)).toEqual(['big', 'small', 'top']);
    // With deleted=1: also what layer 1 deleted or overwrote, marked so.
    const lost = await page('path=/&asOf=1&deleted=1');
    expect(lost.items.filter((e) => e.deletedBy !== undefined || e.overwrittenBy !== undefined).map((e) => [e.name, e.deletedBy])).toEqual([['gone', 1]]);
    expect(lost.total).toBe(4);
    const at2 = await page('path=/&asOf=2');
    // A folder shows the last layer that declared it (the generated layers declare each file's folders).
    expect(at2.items.map((e) => [e.name, e.type, e.layer])).toEqual([['big', 'dir', 1], ['small', 'dir', 2], ['gone', 'file', 2], ['top', 'file', 0]]);
    // Paged in small pages, the same rows.
    const rows: string[] = [];
    let cursor: string | null = null;
    do {
      const p: FsPage = await page(`path=/small&asOf=2&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      rows.push(...names(p));
      cursor = p.next;
    } while (cursor !== null);
    expect(rows).toEqual(['c', 'e', 'link']);
  });

  it('refuses what it cannot answer with a clear 4xx', async () => {
    const status = async (query: string) => (await app.inject(`/api/images/${id}/fs?${query}`)).statusCode;
    expect(await status('path=/&asOf=0')).toBe(400); // no paged=1
    expect(await status('path=/&asOf=0&paged=1&layer=0')).toBe(400);
    expect(await status('path=/&asOf=0&paged=1&draft=1')).toBe(400);
    expect(await status('path=/&asOf=3&paged=1')).toBe(404);
    expect(await status('path=/gone&asOf=1&paged=1')).toBe(404); // deleted by layer 1
    expect(await status('path=/gone&asOf=2&paged=1')).toBe(400); // a file by then
    expect(await status('path=/top&asOf=0&paged=1')).toBe(400);
    expect((await app.inject('/api/images/nope/fs?path=/&asOf=0&paged=1')).statusCode).toBe(404);
  });

  it('a database from before folder bytes gets them when it opens', async () => {
    const file = join(dir, 'data', 'peel.db');
    const before = (await page('path=/')).items;
    await app.close();
    const db = openDatabase(file);
    // As written at schema version 3, before folder bytes (and what came after them).
    db.exec(`ALTER TABLE fs_nodes DROP COLUMN bytes_below;
      ALTER TABLE images DROP COLUMN owner_pid; ALTER TABLE images DROP COLUMN owner_host;
      ALTER TABLE images DROP COLUMN owner_started; ALTER TABLE images DROP COLUMN heartbeat_at;
      ALTER TABLE drafts DROP COLUMN revision;
      DROP TABLE fs_folders; DROP TABLE fs_names; DROP TABLE fs_by_name; DROP TABLE fs_by_name_ready; DROP TABLE fs_name_counts;
      PRAGMA user_version = 3`);
    db.close();
    app = await build(join(dir, 'data'));
    expect((await page('path=/')).items).toEqual(before);
    expect((await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=/big`)).find((e) => e.name === 'sub')?.bytesBelow).toBe(10);
  });
});
