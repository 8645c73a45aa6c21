import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { FsEntry, ImageDetail, LayerChange, SearchResult } from '@peel/api';
import { build, FIXTURES, getJson, ingest, readListing, removeDir, tempDir } from './helper.js';

const TYPE_CODE: Record<string, string> = { file: '-', dir: 'd', symlink: 'l', hardlink: 'h', char: 'c', block: 'b', fifo: 'p' };

/** The whole merged tree, walked through the API, in the oracle's listing form. */
async function walk(app: FastifyInstance, id: string, query = ''): Promise<string[]> {
  const out: string[] = [];
  const dirs = ['/'];
  while (dirs.length) {
    const dir = dirs.pop()!;
    for (const e of await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=${encodeURIComponent(dir)}${query}`)) {
      const owner = `${e.uid}/${e.gid}`;
      out.push([e.path.slice(1), TYPE_CODE[e.type] ?? e.type, e.mode.toString(8).padStart(4, '0'), owner, e.size, e.linkTarget ?? ''].join('\t'));
      if (e.type === 'dir') dirs.push(e.path);
    }
  }
  return out.sort();
}

const oracle = (file: string): string[] =>
  readListing(join(FIXTURES, file)).filter((e) => e.path !== '.')
    .map((e) => [e.path, e.type, e.mode.toString(8).padStart(4, '0'), `${e.uid}/${e.gid}`, e.size, e.link].join('\t')).sort();

describe('filesystem routes on the multi fixtures', () => {
  let dir: string;
  let app: FastifyInstance;
  let multi: string;
  let podman: string;
  beforeAll(async () => {
    dir = await tempDir();
    app = await build(dir);
    multi = await ingest(app, 'multi-docker-legacy');
    podman = await ingest(app, 'multi-podman-oci');
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('the merged tree equals umoci’s unpack of the image (docker save and podman OCI)', async () => {
    const expected = oracle('multi.oracle/merged-fs-umoci.tsv');
    expect(await walk(app, multi)).toEqual(expected);
    expect(await walk(app, podman)).toEqual(expected);
  });

  it('each layer’s own entries equal `tar -tv` of that layer (whiteouts as entries)', async () => {
    for (const [id, folder] of [[multi, 'multi.oracle'], [podman, 'multi-podman.oracle']] as const) {
      const detail = await getJson<ImageDetail>(app, `/api/images/${id}`);
      for (const layer of detail.layers) {
        const file = `${folder}/layers/${String(layer.index + 1).padStart(2, '0')}.tsv`;
        const want = oracle(file);
        const got: string[] = [];
        const dirs = ['/'];
        while (dirs.length) {
          const d = dirs.pop()!;
          for (const e of await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=${encodeURIComponent(d)}&layer=${layer.index}`)) {
            if (e.type === 'dir') dirs.push(e.path);
            if (e.implicit) continue;
            const rel = e.path.slice(1);
            const slash = rel.lastIndexOf('/');
            const tarPath = e.type === 'whiteout' ? `${rel.slice(0, slash + 1)}.wh.${rel.slice(slash + 1)}` : e.type === 'opaque' ? `${rel}/.wh..wh..opq` : rel;
            const type = e.type === 'whiteout' || e.type === 'opaque' ? '-' : TYPE_CODE[e.type];
            got.push([tarPath, type, e.mode.toString(8).padStart(4, '0'), `${e.uid}/${e.gid}`, e.size, e.linkTarget ?? ''].join('\t'));
          }
        }
        expect(got.sort(), file).toEqual(want);
      }
    }
  });

  it('lists deleted and overwritten entries with deleted=1', async () => {
    const app_ = await getJson<FsEntry[]>(app, `/api/images/${multi}/fs?path=/opt/app&deleted=1`);
    const env = app_.find((e) => e.name === '.env')!;
    expect(env).toMatchObject({ type: 'file', layer: 5, deletedBy: 6 });
    const legacy = app_.find((e) => e.name === 'legacy')!;
    expect(legacy).toMatchObject({ type: 'dir', layer: 2, deletedBy: 3 });
    // Inside a deleted directory only the shadowed entries remain.
    const sub = await getJson<FsEntry[]>(app, `/api/images/${multi}/fs?path=/opt/app/legacy&deleted=1`);
    expect(sub.map((e) => e.name)).toEqual(['sub']);
    expect((await app.inject(`/api/images/${multi}/fs?path=/opt/app/legacy`)).statusCode).toBe(404);
    const big = await getJson<FsEntry[]>(app, `/api/images/${multi}/fs?path=/var/lib/app&deleted=1`);
    expect(big.filter((e) => e.name === 'big.bin').map((e) => [e.layer, e.size, e.overwrittenBy ?? null])).toEqual([[8, 65536, null], [7, 2097152, 8]]);
    const plain = await getJson<FsEntry[]>(app, `/api/images/${multi}/fs?path=/opt/app`);
    expect(plain.map((e) => e.name)).toEqual(['cache', 'conf']);
    expect(plain[1].childCount).toBe(5);
  });

  it('serves file bytes: merged, per layer, through symlinks and hard links', async () => {
    const os = await app.inject(`/api/images/${multi}/content?path=/etc/os-release`);
    expect(os.statusCode).toBe(200);
    expect(os.body).toBe(readFileSync(join(FIXTURES, 'tiny.oracle/run-cat-os-release.txt'), 'utf8'));
    expect(os.headers['content-length']).toBe(String(os.rawPayload.length));
    // /etc/app.conf -> /opt/app/conf/keep.conf (absolute), cache/keep.conf.rel -> ../conf/keep.conf
    expect((await app.inject(`/api/images/${multi}/content?path=/etc/app.conf`)).body).toBe('bind 0.0.0.0\n');
    expect((await app.inject(`/api/images/${multi}/content?path=/opt/app/cache/keep.conf.rel`)).body).toBe('bind 0.0.0.0\n');
    expect((await app.inject(`/api/images/${multi}/content?path=/opt/app/conf/data.hardlink`)).body).toBe('linked twice\n');
    // The deleted secret is gone from the merged view but readable in the layer that added it.
    expect((await app.inject(`/api/images/${multi}/content?path=/opt/app/.env`)).statusCode).toBe(404);
    const secret = await app.inject(`/api/images/${multi}/content?path=/opt/app/.env&layer=5`);
    expect(secret.body).toContain('API_KEY=sk_test_FIXTURE_0123456789abcdef');
    // usr/bin/env -> /bin/busybox: a symlink out of /usr resolved inside the image.
    const env = await app.inject({ url: `/api/images/${multi}/content?path=/usr/bin/env`, headers: { range: 'bytes=0-3' } });
    expect(env.statusCode).toBe(206);
    expect(env.rawPayload.subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    // `..` never leaves the image.
    expect((await app.inject(`/api/images/${multi}/content?path=/../../../etc/os-release`)).body).toContain('Tiny Linux');
  });

  it('answers Range requests and marks image bytes as inert', async () => {
    const url = `/api/images/${multi}/content?path=/var/lib/app/big.bin&layer=7`;
    const full = await app.inject(url);
    expect(full.rawPayload).toHaveLength(2097152);
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(full.headers['content-type']).toBe('application/octet-stream');
    expect(full.headers['x-content-type-options']).toBe('nosniff');
    expect(full.headers['content-security-policy']).toMatch(/^sandbox/);
    const mid = await app.inject({ url, headers: { range: 'bytes=1000-1999' } });
    expect(mid.statusCode).toBe(206);
    expect(mid.headers['content-range']).toBe('bytes 1000-1999/2097152');
    expect(mid.rawPayload).toEqual(full.rawPayload.subarray(1000, 2000));
    const tail = await app.inject({ url, headers: { range: 'bytes=-10' } });
    expect(tail.rawPayload).toEqual(full.rawPayload.subarray(2097142));
    const open = await app.inject({ url, headers: { range: 'bytes=2097150-' } });
    expect(open.rawPayload).toEqual(full.rawPayload.subarray(2097150));
    const bad = await app.inject({ url, headers: { range: 'bytes=3000000-' } });
    expect(bad.statusCode).toBe(416);
    expect(bad.headers['content-range']).toBe('bytes */2097152');
    const etag = full.headers.etag as string;
    expect(etag).toMatch(/^"sha256:/);
    expect((await app.inject({ url, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
  });

  it('refuses directories, missing paths and unknown layers', async () => {
    const cases: Array<[string, number, string]> = [
      [`/api/images/${multi}/content?path=/etc`, 400, 'NOT_A_FILE'],
      [`/api/images/${multi}/content?path=/`, 400, 'NOT_A_FILE'],
      [`/api/images/${multi}/content?path=/nope`, 404, 'NOT_FOUND'],
      [`/api/images/${multi}/content`, 400, 'FST_ERR_VALIDATION'],
      [`/api/images/${multi}/fs?path=/etc/passwd`, 400, 'NOT_A_DIRECTORY'],
      [`/api/images/${multi}/fs?path=/nope`, 404, 'NOT_FOUND'],
      [`/api/images/${multi}/fs?path=/&layer=13`, 404, 'NOT_FOUND'],
      [`/api/images/${multi}/fs?path=/&layer=x`, 400, 'FST_ERR_VALIDATION'],
      [`/api/images/${multi}/fs?path=/nope&layer=0`, 404, 'NOT_FOUND'],
      [`/api/images/${multi}/layers/13/changes`, 404, 'NOT_FOUND'],
      [`/api/images/${multi}/layers/-1/changes`, 400, 'FST_ERR_VALIDATION'],
    ];
    for (const [url, status, code] of cases) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(status);
      expect(res.json().error.code === code || (code === 'FST_ERR_VALIDATION' && res.json().error.code === 'BAD_REQUEST'), `${url}: ${res.body}`).toBe(true);
    }
  });

  it('reports each layer’s changes', async () => {
    const changes = (n: number) => getJson<LayerChange[]>(app, `/api/images/${multi}/layers/${n}/changes`);
    expect((await changes(0)).every((c) => c.change === 'added')).toBe(true);
    expect((await changes(0))).toHaveLength(73);
    expect((await changes(3)).map((c) => [c.path, c.change, c.previousLayer])).toEqual(expect.arrayContaining([
      ['/opt/app/conf/old.conf', 'deleted', 2],
      ['/opt/app/cache/a.tmp', 'deleted', 2],
      ['/opt/app/legacy', 'deleted', 2],
    ]));
    const nine = await changes(8);
    expect(nine.find((c) => c.path === '/var/lib/app/big.bin')).toMatchObject({ change: 'modified', previousLayer: 7, size: 65536, metadataOnly: false });
    const ten = await changes(9);
    expect(ten.find((c) => c.path === '/opt/app/conf/keep.conf')).toMatchObject({ change: 'modified', metadataOnly: true });
    expect(ten.find((c) => c.path === '/usr/local/bin/suid-helper')).toMatchObject({ change: 'added', type: 'file' });
    const page = await getJson<LayerChange[]>(app, `/api/images/${multi}/layers/0/changes?limit=10&offset=70`);
    expect(page).toHaveLength(3);
  });

  it('searches by substring and glob, including deleted paths, paginated', async () => {
    const search = (q: string) => getJson<SearchResult>(app, `/api/images/${multi}/search?${q}`);
    const conf = await search('q=CONF');
    expect(conf.items.map((i) => i.path)).toEqual(expect.arrayContaining(['/etc/app.conf', '/opt/app/conf/keep.conf', '/etc/redis/redis.conf']));
    const old = conf.items.find((i) => i.path === '/opt/app/conf/old.conf')!;
    expect(old).toMatchObject({ deleted: true, deletedBy: 3, layer: 2 });
    expect((await search('q=conf&deleted=0')).items.some((i) => i.deleted)).toBe(false);
    const glob = await search('q=*.conf');
    expect(glob.items.every((i) => i.name.endsWith('.conf'))).toBe(true);
    expect(glob.total).toBe(glob.items.length);
    const pathGlob = await search(`q=${encodeURIComponent('/opt/app/*/*.txt')}&deleted=0`);
    expect(pathGlob.items.map((i) => i.path).sort()).toEqual(['/opt/app/cache/fresh.txt', '/opt/app/conf/configured.txt']);
    const all = await search('q=bin');
    const pages: string[] = [];
    for (let offset = 0; offset < all.total; offset += 7) {
      const p = await search(`q=bin&limit=7&offset=${offset}`);
      expect(p.total).toBe(all.total);
      pages.push(...p.items.map((i) => `${i.path}:${i.deleted}:${i.layer}`));
    }
    expect(pages).toEqual(all.items.map((i) => `${i.path}:${i.deleted}:${i.layer}`));
    // Past the end, and a page that ends exactly at the last match: the total still holds.
    expect(await search(`q=bin&limit=7&offset=${all.total + 3}`)).toMatchObject({ items: [], total: all.total });
    expect((await search(`q=bin&limit=${all.total}`)).total).toBe(all.total);
    expect((await search(`q=bin&limit=${all.total - 1}&offset=1`)).total).toBe(all.total);
    expect(await search('q=no-such-name-anywhere')).toMatchObject({ items: [], total: 0 });
    expect((await app.inject(`/api/images/${multi}/search?q=`)).statusCode).toBe(400);
    expect((await app.inject(`/api/images/${multi}/search?q=a&limit=100000`)).statusCode).toBe(400);
  });
});
