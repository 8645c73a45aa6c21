import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { encodePathParam, type DraftState, type FsEntry, type LayerChange, type SearchResult } from '@peel/api';
import { build, getJson, removeDir, sql, tempDir, upload } from './helper.js';
import { generateDockerArchive } from './generate-image.js';
import { walkFs } from './fs-walk.js';

const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "café.txt" in Latin-1: not UTF-8
const NAMES = {
  latin1: 'caf\udce9.txt',
  badDir: 'dir\udcff',
  utf8: 'ünï/çødé.txt',
  odd: 'with space & plus+%2F.txt',
};

describe('names that are not UTF-8 (or not URL-friendly) survive the store and the API', () => {
  let dir: string;
  let app: FastifyInstance;
  let id: string;
  beforeAll(async () => {
    dir = await tempDir();
    const tar = join(dir, 'names.tar');
    await generateDockerArchive(tar, [
      {
        files: [
          { path: latin1, content: 'latin-1 name\n' },
          { path: Buffer.concat([Buffer.from('dir'), Buffer.from([0xff]), Buffer.from('/inner.txt')]), content: 'inside\n' },
          { path: 'ünï/çødé.txt', content: 'utf-8 name\n' },
          { path: NAMES.odd, content: 'odd\n' },
          { path: 'link', symlink: latin1 },
        ],
      },
      { files: [{ path: 'new.txt', content: 'layer 1\n' }], whiteouts: [latin1] },
    ]);
    app = await build(join(dir, 'data'));
    const res = await upload(app, tar);
    expect(res.statusCode, res.body).toBe(201);
    id = res.json().id;
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('lists raw names as lone surrogates, in JSON that round-trips', async () => {
    const root = await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=/&layer=0`);
    const names = root.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining([NAMES.latin1, NAMES.badDir, 'ünï', NAMES.odd, 'link']));
    const inner = await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=${encodePathParam(`/${NAMES.badDir}`)}`);
    expect(inner.map((e) => e.path)).toEqual([`/${NAMES.badDir}/inner.txt`]);
  });

  it('serves content by the exact bytes of the name', async () => {
    const read = (path: string, layer = '') => app.inject(`/api/images/${id}/content?path=${encodePathParam(path)}${layer}`);
    expect((await read(`/${NAMES.badDir}/inner.txt`)).body).toBe('inside\n');
    expect((await read(`/${NAMES.utf8}`)).body).toBe('utf-8 name\n');
    expect((await read(`/${NAMES.odd}`)).body).toBe('odd\n');
    // Deleted by layer 1, still in layer 0 (and its symlink now dangles).
    expect((await read(`/${NAMES.latin1}`)).statusCode).toBe(404);
    expect((await read(`/${NAMES.latin1}`, '&layer=0')).body).toBe('latin-1 name\n');
    expect((await read('/link', '&layer=0')).body).toBe('latin-1 name\n');
    expect((await read('/link')).statusCode).toBe(404);
    const disposition = (await read(`/${NAMES.badDir}/inner.txt`)).headers['content-disposition'];
    expect(disposition).toBe("inline; filename*=UTF-8''inner.txt");
  });

  it('finds, diffs and reports deletions of such names', async () => {
    const found = await getJson<SearchResult>(app, `/api/images/${id}/search?q=${encodePathParam('caf\udce9')}`);
    expect(found.items.map((i) => [i.path, i.deleted])).toEqual([[`/${NAMES.latin1}`, true]]);
    const glob = await getJson<SearchResult>(app, `/api/images/${id}/search?q=${encodePathParam('*\udcff*')}`);
    expect(glob.items.map((i) => i.path)).toEqual([`/${NAMES.badDir}`]);
    const changes = await getJson<LayerChange[]>(app, `/api/images/${id}/layers/1/changes`);
    expect(changes.map((c) => [c.path, c.change])).toEqual(expect.arrayContaining([[`/${NAMES.latin1}`, 'deleted'], ['/new.txt', 'added']]));
    const layer1 = await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=/&layer=1`);
    expect(layer1.find((e) => e.type === 'whiteout')?.name).toBe(NAMES.latin1);
  });

  it('drafts and exports keep such names byte for byte', async () => {
    const newName = `/${NAMES.badDir}/new\udcfe.txt`;
    const edit = async (method: 'PUT' | 'POST' | 'DELETE', url: string, payload?: string | object) => {
      const res = await app.inject({ method, url: `/api/images/${id}${url}`, payload, headers: typeof payload === 'string' ? { 'content-type': 'application/octet-stream' } : undefined });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as DraftState;
    };
    await edit('PUT', `/draft/content?path=${encodePathParam(newName)}`, 'raw name\n');
    await edit('POST', '/draft/ops', { op: 'rename', from: `/${NAMES.badDir}/inner.txt`, to: `/${NAMES.utf8}.moved` });
    const state = await edit('DELETE', `/draft/content?path=${encodePathParam(`/${NAMES.latin1}`)}`);
    expect(state.ops.map((o) => o.path)).toEqual([newName, `/${NAMES.utf8}.moved`, `/${NAMES.latin1}`]);
    expect(state.ops[2]).toMatchObject({ purgeOnly: true });
    const listed = await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=${encodePathParam(`/${NAMES.badDir}`)}&draft=1`);
    expect(listed.map((e) => e.path)).toEqual([newName]);
    expect((await app.inject(`/api/images/${id}/content?path=${encodePathParam(newName)}&draft=1`)).body).toBe('raw name\n');
    // Stored as escaped JSON, so SQLite's UTF-8 text cannot turn the raw bytes into U+FFFD.
    const stored = (await sql<{ op: string }>(app, `SELECT op FROM draft_ops ORDER BY seq`)).map((r) => r.op);
    expect(stored[0]).toContain('\\udcff/new\\udcfe.txt');
    expect((JSON.parse(stored[0]) as { path: string }).path).toBe(newName.slice(1));

    const saved = await app.inject({ method: 'POST', url: `/api/images/${id}/export/save?mode=rewrite&tag=names:edited` });
    expect(saved.statusCode, saved.body).toBe(201);
    const out = (saved.json() as { id: string }).id;
    expect(await walkFs(app, out)).toEqual(await walkFs(app, id, '&draft=1'));
    // Rewrite removed the deleted Latin-1 file from layer 0 too.
    const gone = await getJson<SearchResult>(app, `/api/images/${out}/search?q=${encodePathParam('caf\udce9')}`);
    expect(gone.items).toEqual([]);
  });
});
