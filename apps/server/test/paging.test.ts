import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChangesPage, FsEntry, FsPage, LayerChange } from '@peel/api';
import { build, getJson, ingest, removeDir, tempDir, upload } from './helper.js';
import { generateDockerArchive, type GenFile } from './generate-image.js';

/** Every page of a paged listing, following `next`; checks what each page says about the whole. */
async function allPages<T>(app: FastifyInstance, url: string, limit: number): Promise<{ items: T[]; pages: number; total: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  let total = -1;
  do {
    const page: { items: T[]; total: number; next: string | null } = await getJson(app, `${url}&paged=1&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    pages++;
    if (total >= 0) expect(page.total).toBe(total);
    total = page.total;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.next !== null) expect(page.items).toHaveLength(limit);
    items.push(...page.items);
    cursor = page.next;
    expect(pages).toBeLessThan(10_000);
  } while (cursor !== null);
  expect(items).toHaveLength(total);
  return { items, pages, total };
}

const gone = (e: FsEntry) => e.deletedBy !== undefined || e.overwrittenBy !== undefined;
/** The tree's order: folders first, then name bytes; a name's gone versions by layer, the live one last. */
function treeOrder(a: FsEntry, b: FsEntry): number {
  return Number(a.type !== 'dir') - Number(b.type !== 'dir')
    || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name))
    || Number(!gone(a)) - Number(!gone(b))
    || a.layer - b.layer;
}
/** sort=size: a folder of the merged view by the bytes below it, anything else by its own size. */
const sizeKey = (e: FsEntry) => e.bytesBelow ?? e.size;
const bySize = (a: FsEntry, b: FsEntry) => Number(a.type !== 'dir') - Number(b.type !== 'dir') || sizeKey(b) - sizeKey(a) || treeOrder(a, b);
const canonical = (xs: FsEntry[]) => xs.map((e) => JSON.stringify(e)).sort();

function expectOrdered(items: FsEntry[], order: (a: FsEntry, b: FsEntry) => number): void {
  for (let i = 1; i < items.length; i++) {
    if (order(items[i - 1], items[i]) > 0) throw new Error(`${items[i - 1].path}@${items[i - 1].layer} before ${items[i].path}@${items[i].layer}`);
  }
}

const WIDE = 1234;

describe('paged listings', () => {
  let dir: string;
  let app: FastifyInstance;
  let multi: string;
  let wide: string;
  beforeAll(async () => {
    dir = await tempDir();
    app = await build(dir);
    multi = await ingest(app, 'multi-docker-legacy');
    const files: GenFile[] = Array.from({ length: WIDE }, (_, i) => ({ path: `wide/f${String(i).padStart(4, '0')}`, content: 'x'.repeat(i % 97) }));
    for (const d of ['B', 'a', 'z9', 'z10']) files.push({ path: `wide/${d}/inner`, content: d });
    const archive = join(dir, 'wide.tar');
    await generateDockerArchive(archive, [
      { files },
      { files: [{ path: 'wide/f0001', content: 'a new f0001' }], whiteouts: ['wide/f0002', 'wide/z9'] },
    ]);
    const res = await upload(app, archive);
    expect(res.statusCode).toBe(201);
    wide = (res.json() as { id: string }).id;
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('a folder bigger than a page: every row exactly once, in the tree’s order, the same entries as the whole listing', async () => {
    const whole = await getJson<FsEntry[]>(app, `/api/images/${wide}/fs?path=/wide`);
    expect(whole).toHaveLength(WIDE - 1 + 3);
    const { items, pages, total } = await allPages<FsEntry>(app, `/api/images/${wide}/fs?path=/wide`, 500);
    expect([pages, total]).toEqual([3, whole.length]);
    expect(canonical(items)).toEqual(canonical(whole));
    expectOrdered(items, treeOrder);
    expect(items.slice(0, 4).map((e) => e.name)).toEqual(['B', 'a', 'z10', 'f0000']);
    expect(items.at(-1)!.name).toBe(`f${WIDE - 1}`);
    const bySizePages = await allPages<FsEntry>(app, `/api/images/${wide}/fs?path=/wide&sort=size`, 100);
    expect(canonical(bySizePages.items)).toEqual(canonical(whole));
    expectOrdered(bySizePages.items, bySize);
    // Folders by the bytes below them (z10/inner: 3 bytes, B/inner and a/inner: 1), not by name.
    expect(bySizePages.items.slice(0, 3).map((e) => [e.name, e.bytesBelow])).toEqual([['z10', 3], ['B', 1], ['a', 1]]);
  });

  it('deleted=1, layer=N and a deleted folder page the same rows as their whole listings', async () => {
    const urls = [
      `/api/images/${wide}/fs?path=/wide&deleted=1`,
      `/api/images/${wide}/fs?path=/wide&layer=0`,
      `/api/images/${wide}/fs?path=/wide&layer=1`,
      `/api/images/${wide}/fs?path=/wide/z9&deleted=1`,
    ];
    const walk = async (id: string, path: string, query: string): Promise<void> => {
      const url = `/api/images/${id}/fs?path=${encodeURIComponent(path)}${query}`;
      urls.push(url);
      for (const e of await getJson<FsEntry[]>(app, url)) if (e.type === 'dir' && !gone(e)) await walk(id, e.path, query);
    };
    await walk(multi, '/', '');
    await walk(multi, '/', '&deleted=1');
    for (const layer of [0, 3, 6, 8]) await walk(multi, '/', `&layer=${layer}`);
    await walk(multi, '/opt/app/legacy', '&deleted=1');
    for (const url of urls) {
      const whole = await getJson<FsEntry[]>(app, url);
      for (const limit of [1, 3, 5000]) {
        const { items } = await allPages<FsEntry>(app, url, limit);
        expect(canonical(items), url).toEqual(canonical(whole));
        expectOrdered(items, treeOrder);
      }
    }
    const withGone = (await allPages<FsEntry>(app, `/api/images/${wide}/fs?path=/wide&deleted=1`, 400)).items;
    expect(withGone.filter((e) => e.name === 'f0001').map((e) => [e.layer, e.overwrittenBy ?? null])).toEqual([[0, 1], [1, null]]);
    expect(withGone.find((e) => e.name === 'f0002')).toMatchObject({ layer: 0, deletedBy: 1 });
  });

  it('name=X finds one entry and its gone versions without listing the folder', async () => {
    const one = await getJson<FsPage>(app, `/api/images/${wide}/fs?path=/wide&paged=1&name=f1000`);
    expect(one.total).toBe(1);
    expect(one.items[0]).toMatchObject({ path: '/wide/f1000', size: 1000 % 97 });
    const versions = await getJson<FsPage>(app, `/api/images/${wide}/fs?path=/wide&paged=1&deleted=1&name=f0001`);
    expect(versions.items.map((e) => e.layer)).toEqual([0, 1]);
    expect((await getJson<FsPage>(app, `/api/images/${wide}/fs?path=/wide&paged=1&name=nothing`)).items).toEqual([]);
  });

  it('the draft view pages too (deleted=1 lists what the draft deletes)', async () => {
    const id = wide;
    const put = await app.inject({ method: 'PUT', url: `/api/images/${id}/draft/content?path=/wide/new-file`, payload: 'new', headers: { 'content-type': 'application/octet-stream' } });
    expect(put.statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: `/api/images/${id}/draft/content?path=/wide/f0500` })).statusCode).toBe(200);
    for (const q of ['&draft=1', '&draft=1&deleted=1']) {
      const url = `/api/images/${id}/fs?path=/wide${q}`;
      const whole = await getJson<FsEntry[]>(app, url);
      const { items } = await allPages<FsEntry>(app, url, 300);
      expect(canonical(items)).toEqual(canonical(whole));
      expectOrdered(items, treeOrder);
    }
    // A draft edit between two pages: the next listing is the new draft's, not the one kept for paging.
    const before = await getJson<FsPage>(app, `/api/images/${id}/fs?path=/wide&draft=1&paged=1&limit=10`);
    const again = await app.inject({ method: 'PUT', url: `/api/images/${id}/draft/content?path=/wide/another-file`, payload: 'x', headers: { 'content-type': 'application/octet-stream' } });
    expect(again.statusCode).toBe(200);
    const after = await getJson<FsPage>(app, `/api/images/${id}/fs?path=/wide&draft=1&paged=1&limit=10&cursor=${before.next}`);
    expect(after.total).toBe(before.total + 1);
    expect((await allPages<FsEntry>(app, `/api/images/${id}/fs?path=/wide&draft=1`, 300)).items.some((e) => e.name === 'another-file')).toBe(true);
    const removed = await getJson<FsPage>(app, `/api/images/${id}/fs?path=/wide&draft=1&deleted=1&paged=1&name=f0500`);
    expect(removed.items).toEqual([expect.objectContaining({ deletedBy: 2, edited: true })]);
    expect((await getJson<FsPage>(app, `/api/images/${id}/fs?path=/wide&draft=1&paged=1&name=new-file`)).items[0]).toMatchObject({ edited: true, layer: 2 });
    await app.inject({ method: 'DELETE', url: `/api/images/${id}/draft` });
  });

  it('a folder the draft leaves alone pages as the image’s; one reached through a draft symlink pages as the draft’s', async () => {
    const id = wide;
    const put = await app.inject({ method: 'PUT', url: `/api/images/${id}/draft/content?path=/elsewhere/new-file`, payload: 'new', headers: { 'content-type': 'application/octet-stream' } });
    expect(put.statusCode).toBe(200);
    const link = await app.inject({ method: 'POST', url: `/api/images/${id}/draft/ops`, payload: { op: 'symlink', path: '/via', target: 'wide' } });
    expect(link.statusCode).toBe(200);
    for (const q of ['', '&deleted=1']) {
      const plain = await allPages<FsEntry>(app, `/api/images/${id}/fs?path=/wide${q}`, 300);
      const drafted = await allPages<FsEntry>(app, `/api/images/${id}/fs?path=/wide&draft=1${q}`, 300);
      expect(drafted.items).toEqual(plain.items);
      expect(drafted.items.some((e) => e.edited)).toBe(false);
      expect(canonical(drafted.items)).toEqual(canonical(await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=/wide&draft=1${q}`)));
    }
    // The image has no /via: through the draft's symlink the folder's rows carry their draft paths.
    const via = await allPages<FsEntry>(app, `/api/images/${id}/fs?path=/via&draft=1`, 300);
    expect(via.total).toBe(WIDE + 4 - 2);
    expect(via.items.every((e) => e.path.startsWith('/wide/'))).toBe(true);
    await app.inject({ method: 'DELETE', url: `/api/images/${id}/draft` });
  });

  it('a layer’s changes: pages in the layer’s order, filters and counts', async () => {
    const whole = await getJson<LayerChange[]>(app, `/api/images/${wide}/layers/0/changes`);
    const { items, total, pages } = await allPages<LayerChange>(app, `/api/images/${wide}/layers/0/changes?x=1`, 400);
    expect(items).toEqual(whole);
    expect([total, pages]).toEqual([whole.length, Math.ceil(whole.length / 400)]);
    // Unfiltered counts are kept per layer after the first page: every later page still tells them right.
    const counts = (cs: LayerChange[]) => {
      const n = { added: 0, modified: 0, deleted: 0 };
      for (const c of cs) n[c.change]++;
      return n;
    };
    for (const url of ['paged=1&limit=5', 'paged=1&limit=5&kinds=deleted', 'paged=1&limit=5&q=F100']) {
      const page = await getJson<ChangesPage>(app, `/api/images/${wide}/layers/0/changes?${url}`);
      expect(page.counts, url).toEqual(counts(url.includes('q=') ? whole.filter((c) => c.path.toLowerCase().includes('f100')) : whole));
    }
    const first = await getJson<ChangesPage>(app, `/api/images/${wide}/layers/1/changes?paged=1`);
    expect(first.counts).toEqual({ added: 0, modified: 1, deleted: 2 });
    const deleted = await getJson<ChangesPage>(app, `/api/images/${wide}/layers/1/changes?paged=1&kinds=deleted`);
    expect(deleted.items.map((c) => c.path).sort()).toEqual(['/wide/f0002', '/wide/z9']);
    expect(deleted.total).toBe(2);
    const q = await getJson<ChangesPage>(app, `/api/images/${wide}/layers/0/changes?paged=1&q=F100&limit=5`);
    expect(q.items.map((c) => c.path)).toEqual(['/wide/f1000', '/wide/f1001', '/wide/f1002', '/wide/f1003', '/wide/f1004']);
    expect(q.total).toBe(10);
    const exact = await getJson<ChangesPage>(app, `/api/images/${wide}/layers/0/changes?paged=1&path=/wide/f0042`);
    expect(exact.items).toEqual([whole.find((c) => c.path === '/wide/f0042')]);
    // The old limit/offset form still answers an array.
    expect(await getJson<LayerChange[]>(app, `/api/images/${wide}/layers/0/changes?limit=3&offset=2`)).toEqual(whole.slice(2, 5));
    // The unpaged list is read and sent a chunk of 1,000 at a time: across a chunk's end, and past the list's.
    expect(whole.length).toBeGreaterThan(1200);
    expect(await getJson<LayerChange[]>(app, `/api/images/${wide}/layers/0/changes?limit=1100&offset=100`)).toEqual(whole.slice(100, 1200));
    expect(await getJson<LayerChange[]>(app, `/api/images/${wide}/layers/0/changes?offset=1000`)).toEqual(whole.slice(1000));
    expect(await getJson<LayerChange[]>(app, `/api/images/${wide}/layers/0/changes?limit=1000`)).toEqual(whole.slice(0, 1000));
    expect(await getJson<LayerChange[]>(app, `/api/images/${wide}/layers/0/changes?offset=${whole.length}`)).toEqual([]);
    expect((await app.inject(`/api/images/${wide}/layers/9/changes`)).statusCode).toBe(404);
  });

  it('refuses bad paging parameters with a clear 400', async () => {
    const cursor = (await getJson<FsPage>(app, `/api/images/${wide}/fs?path=/wide&paged=1&limit=2`)).next!;
    const cases: Array<[string, string]> = [
      [`fs?path=/wide&paged=1&limit=0`, 'limit must be between 1 and 5000'],
      [`fs?path=/wide&paged=1&limit=5001`, 'limit must be between 1 and 5000'],
      [`fs?path=/wide&paged=1&limit=ten`, 'limit'],
      [`fs?path=/wide&paged=1&cursor=bm9wZQ`, 'cursor is not one this listing gave'],
      [`fs?path=/wide&paged=1&sort=size&cursor=${cursor}`, 'cursor is not one this listing gave'],
      [`fs?path=/wide&paged=1&sort=date`, 'sort'],
      [`fs?path=/wide&limit=10`, 'limit page a listing: add paged=1'],
      [`layers/0/changes?paged=1&offset=3`, 'follows cursor, not offset'],
      [`layers/0/changes?paged=1&limit=6000`, 'limit must be between 1 and 5000'],
      [`layers/0/changes?paged=1&kinds=added,moved`, 'kinds is a comma-separated list'],
      [`layers/0/changes?paged=1&cursor=${cursor}`, 'cursor is not one this listing gave'],
      [`layers/0/changes?kinds=added`, 'add paged=1'],
    ];
    for (const [url, message] of cases) {
      const res = await app.inject(`/api/images/${wide}/${url}`);
      expect([url, res.statusCode]).toEqual([url, 400]);
      expect((res.json() as { error: { message: string } }).error.message).toContain(message);
    }
    for (const url of ['fs?path=/wide', 'fs?path=/wide&paged=1', 'layers/0/changes', 'layers/0/changes?paged=1']) {
      expect((await app.inject(`/api/images/${wide}/${url}`)).headers['content-type'], url).toBe('application/json; charset=utf-8');
    }
    const last = await getJson<FsPage>(app, `/api/images/${wide}/fs?path=/wide&paged=1&limit=5000`);
    expect(last.next).toBeNull();
    expect((await app.inject(`/api/images/${wide}/fs?path=/wide/f0001&paged=1`)).statusCode).toBe(400);
    expect((await app.inject(`/api/images/${wide}/fs?path=/nowhere&paged=1`)).statusCode).toBe(404);
  });
});
