import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { encodePathParam, type FsEntry, type FsPage } from '@peel/api';
import { build, getJson, removeDir, tempDir, upload } from './helper.js';
import { generateDockerArchive } from './generate-image.js';

/**
 * A draft's listings give each folder the bytes below it as the draft leaves them, checked
 * against the file sizes walked from the same draft listing, and sort=size orders folders by it.
 */
describe('folder bytes in a draft', () => {
  let dir: string;
  let app: FastifyInstance;
  let id: string;
  const list = (path: string) => getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=${encodePathParam(path)}&draft=1`);
  const page = (path: string, sort: string) => getJson<FsPage>(app, `/api/images/${id}/fs?path=${encodePathParam(path)}&draft=1&paged=1&sort=${sort}`);

  /** Bytes of the files below a folder, walked from the draft's own (unpaged) listings. */
  async function walkedBytes(path: string): Promise<number> {
    let total = 0;
    for (const e of await list(path)) total += e.type === 'dir' ? await walkedBytes(e.path) : e.type === 'file' ? e.size : 0;
    return total;
  }

  beforeAll(async () => {
    dir = await tempDir();
    app = await build(join(dir, 'data'));
    const archive = join(dir, 'gen.tar');
    const f = (path: string, size: number) => ({ path, content: Buffer.alloc(size, 0x61) });
    await generateDockerArchive(archive, [
      { files: [f('big/a', 1000), f('big/sub/b', 10), f('big/sub/deep/c', 20), f('mid/d', 500), f('small/e', 5), f('top', 3)] },
    ]);
    const res = await upload(app, archive);
    expect(res.statusCode, res.body).toBe(201);
    id = (res.json() as { id: string }).id;
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('a write that grows a file and a delete change the folders’ bytes, their order by size follows', async () => {
    const edit = async (method: 'PUT' | 'DELETE', path: string, payload?: Buffer) => {
      const res = await app.inject({ method, url: `/api/images/${id}/draft/content?path=${encodeURIComponent(path)}`, payload, headers: payload ? { 'content-type': 'application/octet-stream' } : undefined });
      expect(res.statusCode, res.body).toBe(200);
    };
    await edit('PUT', '/small/sub/e2', Buffer.alloc(2000, 0x62));
    await edit('PUT', '/big/sub/deep/c', Buffer.alloc(25, 0x62));
    await edit('DELETE', '/big/a');

    const expected = { big: 35, mid: 500, small: 2005 };
    expect(await walkedBytes('/big')).toBe(expected.big);
    expect(await walkedBytes('/small')).toBe(expected.small);
    const bytesOf = (items: FsEntry[]) => Object.fromEntries(items.filter((e) => e.type === 'dir').map((e) => [e.name, e.bytesBelow]));
    expect(bytesOf(await list('/'))).toEqual(expected);
    expect(bytesOf((await page('/', 'name')).items)).toEqual(expected);
    const bySize = await page('/', 'size');
    expect(bySize.items.map((e) => e.name)).toEqual(['small', 'mid', 'big', 'top']);
    expect(bytesOf(bySize.items)).toEqual(expected);
    // Deeper folders, touched or not, say the same as a walk of them.
    for (const path of ['/big', '/big/sub', '/small', '/mid']) {
      for (const e of (await page(path, 'size')).items.filter((x) => x.type === 'dir')) expect(e.bytesBelow, e.path).toBe(await walkedBytes(e.path));
    }
    await app.inject({ method: 'DELETE', url: `/api/images/${id}/draft` });
  });
});
