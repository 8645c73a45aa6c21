import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { CompareItem, ComparePage, CompareSummary, ImageSummary } from '@peel/api';
import { FIXTURES, build, getJson, ingest, readListing, removeDir, storeState, tempDir } from './helper.js';

/**
 * The compare routes on real uploads. What a comparison must find is read from the fixtures'
 * oracles (each layer's listing as GNU tar saw it, the merged listing umoci unpacked), or is what
 * the test itself edited in a draft; never from Peel.
 */
const ORACLE = join(FIXTURES, 'multi.oracle');
/** Layer n's own listing (`layers/NN.tsv` counts from 1). */
const layerListing = (n: number) => readListing(join(ORACLE, 'layers', `${String(n + 1).padStart(2, '0')}.tsv`));
const merged = readListing(join(ORACLE, 'merged-fs-umoci.tsv')).filter((e) => e.path !== '.');
const isUnder = (dir: string, path: string) => path === dir || path.startsWith(`${dir}/`);

/** What the oracle says layers `from..to` delete (whiteouts: the path and what was below it) and add (paths no lower layer had). */
function oracleLayers(from: number, to: number): { added: Map<string, number>; deleted: Map<string, number> } {
  const lower = new Map<string, { type: string; size: number }>();
  for (let n = 0; n < from; n++) {
    for (const e of layerListing(n)) {
      const name = e.path.split('/').pop()!;
      if (name.startsWith('.wh.')) {
        const gone = e.path.replace(/\.wh\.([^/]*)$/, '$1');
        for (const p of [...lower.keys()]) if (isUnder(gone, p)) lower.delete(p);
      } else lower.set(e.path, e);
    }
  }
  const added = new Map<string, number>();
  const deleted = new Map<string, number>();
  for (let n = from; n <= to; n++) {
    for (const e of layerListing(n)) {
      const name = e.path.split('/').pop()!;
      if (name.startsWith('.wh.')) {
        const gone = e.path.replace(/\.wh\.([^/]*)$/, '$1');
        for (const [p, was] of lower) if (isUnder(gone, p)) deleted.set(`/${p}`, was.type === '-' ? was.size : 0);
      } else if (!lower.has(e.path)) added.set(`/${e.path}`, e.type === '-' ? e.size : 0);
    }
  }
  return { added, deleted };
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('comparing two images', () => {
  let dir: string;
  let app: FastifyInstance;
  let legacy: string;
  let oci: string;
  const sides = (a: string, b: string) => `a=${a}&b=${b}`;
  const summary = (query: string) => getJson<CompareSummary>(app, `/api/compare?${query}`);
  const page = (route: 'fs' | 'changes', query: string) => getJson<ComparePage>(app, `/api/compare/${route}?paged=1&${query}`);
  /** Every item of a listing, following `next` from page to page. */
  async function walk(route: 'fs' | 'changes', query: string, limit: number): Promise<{ items: CompareItem[]; totals: number[]; pages: number }> {
    const items: CompareItem[] = [];
    const totals: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p: ComparePage = await page(route, `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(p.items.length).toBeLessThanOrEqual(limit);
      items.push(...p.items);
      totals.push(p.total);
      cursor = p.next;
      pages++;
    } while (cursor !== null);
    return { items, totals, pages };
  }
  const byKind = (items: CompareItem[], kind: CompareItem['change']) => items.filter((i) => i.change === kind).map((i) => i.path).sort();

  beforeAll(async () => {
    dir = await tempDir();
    app = await build(join(dir, 'data'));
    legacy = await ingest(app, 'multi-docker-legacy');
    oci = await ingest(app, 'multi-oci');
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('the same image in two formats is identical, with the sizes of the oracle listing', async () => {
    const s = await summary(sides(legacy, oci));
    expect(s.identical).toBe(true);
    expect(s.a).toMatchObject({ id: legacy, asOfLayer: null, layerCount: 13 });
    expect(s.b).toMatchObject({ id: oci, asOfLayer: null, layerCount: 13 });
    expect(s.layers).toMatchObject({ shared: 13, onlyA: [], onlyB: [] });
    // umoci's listing: every entry, a file's bytes (a hard link's are its target's).
    const size = new Map(merged.map((e) => [e.path, e.size]));
    const bytes = merged.reduce((sum, e) => sum + (e.type === '-' ? e.size : e.type === 'h' ? size.get(e.link)! : 0), 0);
    expect(s.fs.entries).toEqual({ a: merged.length, b: merged.length });
    expect(s.fs.bytes).toEqual({ a: bytes, b: bytes });
    expect([s.fs.added.count, s.fs.removed.count, s.fs.modified.count, s.fs.type.count, s.fs.metadata.count, s.fs.mtimeOnly.count, s.fs.net]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(s.config).toEqual([]);
    const root = await page('fs', sides(legacy, oci));
    expect(root).toMatchObject({ items: [], total: 0, next: null });
    // Unchanged entries are listed on request: the root's own, as the oracle has them.
    const all = await page('fs', `${sides(legacy, oci)}&unchanged=1`);
    expect(all.items.map((i) => i.name).sort()).toEqual(merged.filter((e) => !e.path.includes('/')).map((e) => e.path).sort());
    expect(all.items.every((i) => i.change === null && i.a !== null && i.b !== null)).toBe(true);
  });

  it('an image against itself as of an earlier layer: what the later layers added, each readable from its layer', async () => {
    const { added, deleted } = oracleLayers(10, 12);
    expect(deleted.size).toBe(0);
    const query = `a=${legacy}&aLayer=9&b=${legacy}`;
    const s = await summary(query);
    expect(s.identical).toBe(false);
    expect(s.a).toMatchObject({ asOfLayer: 9, layerCount: 13 });
    expect(s.layers).toMatchObject({ shared: 10, onlyA: [], text: 'layers 0–9 identical, then A has none, B has 3 layers' });
    expect(s.layers.onlyB.map((l) => l.index)).toEqual([10, 11, 12]);
    const bytes = [...added.values()].reduce((x, y) => x + y, 0);
    expect(s.fs.added).toEqual({ count: added.size, bytes });
    expect([s.fs.removed.count, s.fs.modified.count, s.fs.type.count, s.fs.metadata.count]).toEqual([0, 0, 0, 0]);
    expect(s.fs.entries).toEqual({ a: merged.length - added.size, b: merged.length });
    expect(s.fs.net).toBe(bytes);
    expect(s.fs.bytesAdded).toBe(bytes);
    // The history stops at the step that made layer 9.
    expect(s.history.filter((r) => r.status === 'onlyB').length).toBeGreaterThanOrEqual(3);

    const changes = await page('changes', query);
    expect(changes.items.map((i) => i.path).sort()).toEqual([...added.keys()].sort());
    expect(changes.counts).toEqual({ added: added.size, removed: 0, modified: 0, type: 0, metadata: 0 });
    for (const item of changes.items.filter((i) => i.b?.type === 'file')) {
      const res = await app.inject(`/api/images/${legacy}/content?path=${encodeURIComponent(item.path)}&layer=${item.b!.layer}`);
      expect(res.statusCode, item.path).toBe(200);
      expect(sha256(res.rawPayload), item.path).toBe(item.b!.digest);
      expect(res.rawPayload.length).toBe(added.get(item.path));
    }
  });

  it('mtime-only changes are hidden, counted, and listed with mtime=1', async () => {
    const { added } = oracleLayers(10, 12);
    const query = `a=${legacy}&aLayer=9&b=${legacy}`;
    const hidden = await summary(query);
    const shown = await summary(`${query}&mtime=1`);
    // The later layers declare /etc, /usr, /usr/local, /usr/local/bin again (docker's layer tars do).
    const again = new Set([10, 11, 12].flatMap((n) => layerListing(n)).filter((e) => !added.has(`/${e.path}`)).map((e) => `/${e.path}`));
    expect(again.size).toBeGreaterThan(0);
    expect(shown.fs.mtimeOnly.count).toBe(hidden.fs.mtimeOnly.count);
    const list = await page('changes', `${query}&mtime=1`);
    const mtimeOnly = list.items.filter((i) => i.mtimeOnly);
    expect(mtimeOnly.length).toBe(hidden.fs.mtimeOnly.count);
    expect(mtimeOnly.length).toBeGreaterThan(0);
    for (const i of mtimeOnly) {
      expect(again.has(i.path), i.path).toBe(true);
      expect(i).toMatchObject({ change: 'metadata', fields: ['mtime'] });
      expect(i.a!.mtime).not.toBe(i.b!.mtime);
    }
    expect(list.total).toBe(added.size + mtimeOnly.length);
    // Folder totals follow the toggle: /etc holds 2 changes without it, 2 + its mtime-only ones with it.
    const etc = (q: string) => getJson<ComparePage>(app, `/api/compare/fs?paged=1&${q}`).then((p) => p.items.find((i) => i.path === '/etc')!);
    const below = [...added.keys()].filter((p) => p.startsWith('/etc/')).length;
    expect((await etc(query)).changesBelow).toBe(below);
    expect((await etc(`${query}&mtime=1`)).changesBelow).toBe(below + mtimeOnly.filter((i) => i.path.startsWith('/etc/')).length);
  });

  it('two points of one image, both as of a layer: what the layers between deleted, folders with their totals', async () => {
    const { added, deleted } = oracleLayers(3, 3);
    expect(added.size).toBe(0);
    const query = `a=${legacy}&aLayer=2&b=${legacy}&bLayer=3`;
    const s = await summary(query);
    const bytes = [...deleted.values()].reduce((x, y) => x + y, 0);
    expect(s.fs.removed).toEqual({ count: deleted.size, bytes });
    expect(s.fs.net).toBe(-bytes);
    const list = await page('changes', query);
    expect(byKind(list.items, 'removed')).toEqual([...deleted.keys()].sort());
    expect(list.items.every((i) => i.change === 'removed' || i.mtimeOnly)).toBe(true);
    // The tree: /opt/app holds every removal; /opt/app/legacy is removed and holds two more.
    const app_ = (await page('fs', `${query}&path=/opt`)).items.find((i) => i.path === '/opt/app')!;
    expect(app_).toMatchObject({ change: null, changesBelow: deleted.size, bytesBelowA: bytes, bytesBelowB: 0 });
    expect(app_.a?.type).toBe('dir');
    const inApp = await page('fs', `${query}&path=/opt/app`);
    const legacyDir = inApp.items.find((i) => i.path === '/opt/app/legacy')!;
    expect(legacyDir).toMatchObject({ change: 'removed', changesBelow: [...deleted.keys()].filter((p) => p.startsWith('/opt/app/legacy/')).length, b: null });
    // A removed side's bytes come from the layer that wrote them.
    const gone = list.items.find((i) => i.path === '/opt/app/conf/old.conf')!;
    const res = await app.inject(`/api/images/${legacy}/content?path=/opt/app/conf/old.conf&layer=${gone.a!.layer}`);
    expect(res.rawPayload.toString()).toBe('obsolete\n');
  });

  it('a hard link is the file it shares, and reads back from its own layer', async () => {
    const query = `a=${legacy}&aLayer=8&b=${legacy}&bLayer=9`;
    const list = await page('changes', query);
    const link = list.items.find((i) => i.path === '/opt/app/conf/data.hardlink')!;
    const target = list.items.find((i) => i.path === '/opt/app/conf/data.bin')!;
    expect(link).toMatchObject({ change: 'added', a: null, b: { type: 'file', size: 13, layer: 9 } });
    expect(link.b!.digest).toBe(sha256(Buffer.from('linked twice\n')));
    expect(link.b!.digest).toBe(target.b!.digest);
    const res = await app.inject(`/api/images/${legacy}/content?path=/opt/app/conf/data.hardlink&layer=${link.b!.layer}`);
    expect(res.rawPayload.toString()).toBe('linked twice\n');
    // The whole image's side is read from the index, not merged: the same answer.
    const whole = await page('changes', `a=${legacy}&aLayer=8&b=${legacy}`);
    expect(whole.items.find((i) => i.path === '/opt/app/conf/data.hardlink')).toMatchObject({ change: 'added', b: { type: 'file', size: 13, digest: link.b!.digest, layer: 9 } });
    // keep.conf: same bytes, mode 0644 → 0640 (the oracle's listings of layers 2 and 9).
    const keep = list.items.find((i) => i.path === '/opt/app/conf/keep.conf')!;
    expect([layerListing(2).find((e) => e.path === 'opt/app/conf/keep.conf')!.mode, layerListing(9).find((e) => e.path === 'opt/app/conf/keep.conf')!.mode]).toEqual([0o644, 0o640]);
    expect(keep).toMatchObject({ change: 'metadata', fields: expect.arrayContaining(['mode']), a: { mode: 0o644 }, b: { mode: 0o640 } });
    expect(keep.fields).not.toContain('content');
  });

  it('paging walks every item once, with the same total on every page', async () => {
    const query = `a=${legacy}&aLayer=0&b=${legacy}&mtime=1`;
    const whole = await page('changes', `${query}&limit=5000`);
    expect(whole.next).toBeNull();
    expect(whole.total).toBe(whole.items.length);
    const walked = await walk('changes', query, 3);
    expect(walked.items.map((i) => i.path)).toEqual(whole.items.map((i) => i.path));
    expect(walked.pages).toBe(Math.ceil(whole.total / 3));
    expect(new Set(walked.totals)).toEqual(new Set([whole.total]));
    // Tree order: each folder before what is below it, siblings by name.
    const paths = whole.items.map((i) => i.path);
    for (const p of paths) {
      const parent = p.slice(0, p.lastIndexOf('/'));
      if (parent && paths.includes(parent)) expect(paths.indexOf(parent)).toBeLessThan(paths.indexOf(p));
    }
    for (const sort of ['name', 'delta']) {
      for (const path of ['/', '/opt/app', '/etc']) {
        const q = `${query}&path=${path}&sort=${sort}&unchanged=1`;
        const all = await page('fs', `${q}&limit=5000`);
        const one = await walk('fs', q, 2);
        expect(one.items.map((i) => i.path), `${path} ${sort}`).toEqual(all.items.map((i) => i.path));
        expect(new Set(one.totals)).toEqual(new Set([all.total]));
        expect(all.total).toBe(all.items.length);
      }
    }
  });

  it('kinds filters items and folder totals; counts ignore it; q and path narrow the flat list', async () => {
    const query = `a=${legacy}&aLayer=2&b=${legacy}&bLayer=4`;
    const { added, deleted } = oracleLayers(3, 4);
    const all = await page('changes', query);
    const removed = await page('changes', `${query}&kinds=removed`);
    // b.tmp went in layer 4 with /opt/app/cache itself (rm -rf, mkdir again).
    expect(removed.items.map((i) => i.path).sort()).toEqual([...deleted.keys()].filter((p) => !added.has(p)).sort());
    expect(removed.total).toBe(removed.counts.removed);
    expect(removed.counts).toEqual(all.counts);
    const addedOnly = await page('changes', `${query}&kinds=added`);
    expect(addedOnly.items.map((i) => i.path).sort()).toEqual([...added.keys()].filter((p) => !deleted.has(p)).sort());
    // In the tree, /opt/app counts only the kinds asked for.
    const root = (await page('fs', `${query}&path=/opt&kinds=removed`)).items.find((i) => i.path === '/opt/app')!;
    expect(root.changesBelow).toBe(removed.total);
    const q = await page('changes', `${query}&q=TMP`);
    expect(q.items.map((i) => i.path).sort()).toEqual(all.items.map((i) => i.path).filter((p) => p.toLowerCase().includes('tmp')).sort());
    const under = await page('changes', `${query}&path=/opt/app/legacy`);
    expect(under.items.map((i) => i.path).sort()).toEqual(all.items.map((i) => i.path).filter((p) => isUnder('/opt/app/legacy', p)).sort());
  });

  it('sort=delta puts the folder whose bytes changed most first', async () => {
    // As of layer 6 against the whole image: /var/lib/app/big.bin (64 KiB in the end) is by far the largest.
    const query = `a=${legacy}&aLayer=6&b=${legacy}&sort=delta`;
    const root = await page('fs', query);
    expect(root.items[0].path).toBe('/var');
    const big = merged.find((e) => e.path === 'var/lib/app/big.bin')!.size;
    // /var is in the base layer (the oracle's layer 0 listing): a folder holding changes.
    expect(layerListing(0).some((e) => e.path === 'var')).toBe(true);
    expect(root.items[0]).toMatchObject({ change: null, bytesBelowA: 0, bytesBelowB: big });
    const delta = (i: CompareItem) => Math.abs((i.change ? (i.b?.size ?? 0) - (i.a?.size ?? 0) : 0) + i.bytesBelowB - i.bytesBelowA);
    const deltas = root.items.map(delta);
    expect(deltas).toEqual([...deltas].sort((x, y) => y - x));
    expect(new Set(root.items.map((i) => i.path))).toEqual(new Set((await page('fs', query.replace('sort=delta', 'sort=name'))).items.map((i) => i.path)));
  });

  it('an export of a draft against its image: exactly the draft\'s edits', async () => {
    const id = await ingest(app, 'multi-docker-legacy');
    const edit = async (method: string, url: string, payload?: unknown) => {
      const res = await app.inject({ method: method as 'PUT', url: `/api/images/${id}${url}`, payload: payload as string, headers: Buffer.isBuffer(payload) ? { 'content-type': 'application/octet-stream' } : undefined });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(200);
    };
    const motd = Buffer.from('compare me\n');
    const passwd = Buffer.from('root:x:0:0:root:/root:/bin/sh\n');
    await edit('PUT', '/draft/content?path=/etc/motd', motd);
    await edit('PUT', '/draft/content?path=/etc/passwd', passwd);
    await edit('DELETE', '/draft/content?path=/opt/app/conf/keep.conf');
    await edit('POST', '/draft/ops', { op: 'chmod', path: '/etc/group', mode: 0o600 });
    const expected = [
      ['/etc/group', 'metadata', ['mode']],
      ['/etc/motd', 'added', []],
      ['/etc/passwd', 'modified', ['content']],
      ['/opt/app/conf/keep.conf', 'removed', []],
    ];
    const original = layerListing(1).find((e) => e.path === 'etc/passwd')!;
    const net = motd.length + passwd.length - original.size - layerListing(9).find((e) => e.path === 'opt/app/conf/keep.conf')!.size;
    try {
      // The draft itself as a side: the same changes before any export.
      for (const query of [`${sides(id, id)}&bDraft=1`, `${sides(id, id)}&aDraft=1`]) {
        const drafted = await page('changes', query);
        const flip = query.includes('aDraft');
        const kindOf = (k: CompareItem['change']) => (!flip ? k : k === 'added' ? 'removed' : k === 'removed' ? 'added' : k);
        expect(drafted.items.map((i) => [i.path, i.change, i.fields.filter((f) => f !== 'mtime')]), query).toEqual(expected.map(([p, k, f]) => [p, kindOf(k as CompareItem['change']), f]));
        const draftSide = flip ? drafted.items[2].a! : drafted.items[2].b!;
        expect(draftSide).toMatchObject({ size: passwd.length, digest: sha256(passwd), layer: 13 });
        const s = await summary(query);
        expect(s.fs.net).toBe(flip ? -net : net);
        expect([s.a.draft, s.b.draft]).toEqual([flip, !flip]);
        expect(s.layers.shared).toBe(13);
        expect([s.layers.onlyA.length, s.layers.onlyB.length]).toEqual(flip ? [1, 0] : [0, 1]);
        expect(s.history.some((h) => (flip ? h.a : h.b)?.createdBy?.includes('not exported'))).toBe(true);
      }
      // Another edit is another draft: the comparison follows it.
      await edit('DELETE', '/draft/content?path=/etc/motd');
      const after = await page('changes', `${sides(id, id)}&bDraft=1`);
      expect(after.items.map((i) => i.path)).toEqual(['/etc/group', '/etc/passwd', '/opt/app/conf/keep.conf']);
      await edit('PUT', '/draft/content?path=/etc/motd', motd);
      const mixed = await app.inject(`/api/compare?${sides(id, id)}&bDraft=1&bLayer=3`);
      expect(mixed.statusCode, mixed.body).toBe(400);
      for (const mode of ['append', 'flatten']) {
        const res = await app.inject({ method: 'POST', url: `/api/images/${id}/export/save?mode=${mode}` });
        expect(res.statusCode, res.body).toBe(201);
        const saved = (res.json() as ImageSummary).id;
        const query = sides(id, saved);
        const list = await page('changes', query);
        // A draft's edit dates what it writes: mtime may differ besides.
        expect(list.items.map((i) => [i.path, i.change, i.fields.filter((f) => f !== 'mtime')]), mode).toEqual(expected);
        const [group, added, modified] = list.items;
        expect([group.a!.mode, group.b!.mode]).toEqual([0o644, 0o600]);
        expect(added.b).toMatchObject({ size: motd.length, digest: sha256(motd) });
        expect(modified.b).toMatchObject({ size: passwd.length, digest: sha256(passwd) });
        expect(modified.a!.size).toBe(original.size);
        const read = await app.inject(`/api/images/${saved}/content?path=/etc/passwd&layer=${modified.b!.layer}`);
        expect(read.rawPayload.equals(passwd)).toBe(true);
        const s = await summary(query);
        expect(s.fs.net).toBe(net);
        expect(s.fs.entries.b).toBe(s.fs.entries.a);
        expect(s.layers.shared).toBe(mode === 'append' ? 13 : 0);
      }
    } finally {
      await app.inject({ method: 'DELETE', url: `/api/images/${id}/draft` });
    }
  });

  it('computed once per pair of sides; equal layer stacks read no entry; shared layers read only what the others touch', async () => {
    const fs = app.peel.index.fs;
    const reads = { layerEntries: 0, childFacts: 0 };
    const spy = <K extends keyof typeof reads>(name: K) => {
      const original = fs[name].bind(fs) as (...args: unknown[]) => unknown;
      (fs as unknown as Record<K, unknown>)[name] = (...args: unknown[]) => {
        reads[name]++;
        return original(...args);
      };
      return () => void ((fs as unknown as Record<K, unknown>)[name] = original);
    };
    const restore = [spy('layerEntries'), spy('childFacts')];
    try {
      const count = async (query: string) => {
        reads.layerEntries = 0;
        reads.childFacts = 0;
        await summary(query);
        return { ...reads };
      };
      // A pair not asked for yet (mtime=1 makes it a new one): the same layers, so no entry is read;
      // the root's folders give the totals.
      const first = await count(`${sides(oci, legacy)}&mtime=1`);
      expect(first).toEqual({ layerEntries: 0, childFacts: 1 });
      expect(await count(`${sides(oci, legacy)}&mtime=1`)).toEqual({ layerEntries: 0, childFacts: 0 });
      // An image against itself as of layer 11: only layer 12's entries are read (the touched
      // paths), no folder walked but the whole image's root (its totals); the side as of layer
      // 11 is read from the index, no layer's entries merged.
      const touched = await count(`a=${oci}&aLayer=11&b=${oci}&mtime=1`);
      expect(touched.childFacts).toBe(1);
      expect(touched.layerEntries).toBe(1);
    } finally {
      for (const r of restore) r();
    }
  });

  it('bad input: clear 4xx replies, and nothing stored changes', async () => {
    const before = await storeState(app, join(dir, 'data'));
    const status = async (url: string, code: number, errorCode: string) => {
      const res = await app.inject(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(code);
      expect((res.json() as { error: { code: string } }).error.code, url).toBe(errorCode);
    };
    const ok = sides(legacy, oci);
    await status(`/api/compare?a=nope&b=${oci}`, 404, 'NOT_FOUND');
    await status(`/api/compare/fs?a=${legacy}&b=nope&paged=1`, 404, 'NOT_FOUND');
    await status(`/api/compare?${ok}&aLayer=13`, 400, 'BAD_LAYER');
    await status(`/api/compare/changes?${ok}&bLayer=99&paged=1`, 400, 'BAD_LAYER');
    await status(`/api/compare?a=${legacy}`, 400, 'BAD_REQUEST');
    await status(`/api/compare/fs?${ok}&paged=1&path=/etc/passwd`, 400, 'NOT_A_DIRECTORY');
    await status(`/api/compare/fs?${ok}&paged=1&path=/no/such`, 404, 'NOT_FOUND');
    await status(`/api/compare/changes?${ok}&paged=1&path=/etc/passwd`, 400, 'NOT_A_DIRECTORY');
    await status(`/api/compare/fs?${ok}&paged=1&kinds=added,bogus`, 400, 'BAD_QUERY');
    await status(`/api/compare/changes?${ok}&paged=1&kinds=`, 400, 'BAD_QUERY');
    await status(`/api/compare/fs?${ok}&paged=1&sort=size`, 400, 'BAD_REQUEST');
    await status(`/api/compare/fs?${ok}&paged=1&limit=0`, 400, 'BAD_LIMIT');
    await status(`/api/compare/changes?${ok}&paged=1&limit=5001`, 400, 'BAD_LIMIT');
    await status(`/api/compare/fs?${ok}&paged=1&cursor=garbage`, 400, 'BAD_CURSOR');
    // A cursor of the other listing, or of the other sort, is not this one's.
    const byDelta = await page('fs', `a=${legacy}&aLayer=2&b=${legacy}&sort=delta&limit=1`);
    expect(byDelta.next).not.toBeNull();
    await status(`/api/compare/changes?a=${legacy}&aLayer=2&b=${legacy}&paged=1&cursor=${byDelta.next}`, 400, 'BAD_CURSOR');
    await status(`/api/compare/fs?a=${legacy}&aLayer=2&b=${legacy}&paged=1&cursor=${byDelta.next}`, 400, 'BAD_CURSOR');
    expect(await storeState(app, join(dir, 'data'))).toEqual(before);
  });
});
