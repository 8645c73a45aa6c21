import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { DraftState, FsEntry, ImageDetail, ImageSummary, SearchResult } from '@peel/api';
import { build, FIXTURES, getJson, ingest, removeDir, tempDir } from './helper.js';
import { tarEntries } from './tar-walk.js';
import { linksAsFiles, walkFs } from './fs-walk.js';

const ALPYNE = readFileSync(join(FIXTURES, 'tiny-alpyne-expected.txt'));
const MODES = ['append', 'flatten', 'rewrite'] as const;

/** The outer archive's files by name, each checked against its blob name when it has one. */
function archiveFiles(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const e of tarEntries(tar)) {
    const bytes = tar.subarray(e.dataOffset, e.dataOffset + e.size);
    const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(e.name);
    if (m) expect(createHash('sha256').update(bytes).digest('hex'), e.name).toBe(m[1]);
    files.set(e.name, bytes);
  }
  return files;
}

describe('export', () => {
  let dir: string;
  let app: FastifyInstance;
  let tiny: string;
  let multi: string;
  beforeAll(async () => {
    dir = await tempDir();
    app = await build(dir);
    tiny = await ingest(app, 'tiny-docker-legacy');
    multi = await ingest(app, 'multi-docker-legacy');
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('streams an archive with exact length, attachment name and a consistent OCI layout + manifest.json', async () => {
    await app.inject({ method: 'PUT', url: `/api/images/${tiny}/draft/content?path=/etc/os-release`, payload: ALPYNE, headers: { 'content-type': 'text/plain' } });
    for (const mode of MODES) {
      const res = await app.inject(`/api/images/${tiny}/export?mode=${mode}&tag=alpyne:latest`);
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
      expect(res.headers['content-type']).toBe('application/x-tar');
      expect(res.headers['content-disposition']).toBe('attachment; filename="alpyne-latest.tar"');
      expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
      const files = archiveFiles(res.rawPayload);
      expect(JSON.parse(files.get('oci-layout')!.toString())).toEqual({ imageLayoutVersion: '1.0.0' });
      const manifestJson = JSON.parse(files.get('manifest.json')!.toString()) as Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
      expect(manifestJson).toHaveLength(1);
      expect(manifestJson[0].RepoTags).toEqual(['docker.io/library/alpyne:latest']);
      const index = JSON.parse(files.get('index.json')!.toString()) as { manifests: Array<{ digest: string; platform: object; annotations: Record<string, string> }> };
      expect(index.manifests[0].annotations).toEqual({ 'io.containerd.image.name': 'docker.io/library/alpyne:latest', 'org.opencontainers.image.ref.name': 'latest' });
      expect(index.manifests[0].platform).toEqual({ architecture: 'amd64', os: 'linux' });
      const manifest = JSON.parse(files.get(`blobs/sha256/${index.manifests[0].digest.slice(7)}`)!.toString()) as { config: { digest: string }; layers: Array<{ digest: string; size: number }> };
      expect(`blobs/sha256/${manifest.config.digest.slice(7)}`).toBe(manifestJson[0].Config);
      expect(manifest.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`)).toEqual(manifestJson[0].Layers);
      for (const l of manifest.layers) expect(files.get(`blobs/sha256/${l.digest.slice(7)}`)!.length).toBe(l.size);
      const config = JSON.parse(files.get(manifestJson[0].Config)!.toString()) as { rootfs: { diff_ids: string[] }; history: Array<{ empty_layer?: boolean }> };
      expect(config.rootfs.diff_ids).toHaveLength(manifest.layers.length);
      expect(config.history.filter((h) => !h.empty_layer)).toHaveLength(manifest.layers.length);
      expect(manifest.layers).toHaveLength(mode === 'flatten' ? 1 : 2);
    }
  });

  it('refuses a bad mode, tag or image', async () => {
    expect((await app.inject(`/api/images/${tiny}/export`)).statusCode).toBe(400);
    expect((await app.inject(`/api/images/${tiny}/export?mode=squash`)).statusCode).toBe(400);
    expect((await app.inject(`/api/images/${tiny}/export?mode=flatten&compression=zstd`)).statusCode).toBe(400);
    const badTag = await app.inject(`/api/images/${tiny}/export?mode=flatten&tag=Not%20A%20Tag`);
    expect(badTag.statusCode).toBe(400);
    expect(badTag.json()).toMatchObject({ error: { code: 'BAD_TAG' } });
    expect((await app.inject(`/api/images/nope/export?mode=append`)).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/api/images/nope/export/save?mode=append` })).statusCode).toBe(404);
  });

  it('append of an unedited image keeps every layer blob byte for byte', async () => {
    for (const id of [tiny, multi]) {
      await app.inject({ method: 'DELETE', url: `/api/images/${id}/draft` });
      const res = await app.inject({ method: 'POST', url: `/api/images/${id}/export/save?mode=append` });
      expect(res.statusCode, res.body).toBe(201);
      const saved = res.json() as ImageSummary;
      const [before, after] = await Promise.all([getJson<ImageDetail>(app, `/api/images/${id}`), getJson<ImageDetail>(app, `/api/images/${saved.id}`)]);
      expect(after.layers.map((l) => l.digest)).toEqual(before.layers.map((l) => l.digest));
      expect(after.configDigest).toBe(before.configDigest);
      // Saved under the draft's result name, `repo:edited`, never the original's own.
      expect(after.tags).toEqual([before.tags[0].replace(/:[^:/]+$/, ':edited')]);
      expect(await walkFs(app, saved.id)).toEqual(await walkFs(app, id));
    }
  });

  it('saved as a new image, every mode shows exactly the edited filesystem; rewrite and flatten drop the secret', async () => {
    const edit = async (method: string, url: string, payload?: unknown) => {
      const res = await app.inject({ method: method as 'PUT', url: `/api/images/${multi}${url}`, payload: payload as string, headers: typeof payload === 'string' || Buffer.isBuffer(payload) ? { 'content-type': 'application/octet-stream' } : undefined });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(200);
      return res.json() as DraftState;
    };
    await edit('PUT', '/draft/content?path=/etc/os-release', ALPYNE);
    await edit('DELETE', '/draft/content?path=/opt/app/.env');
    await edit('DELETE', '/draft/content?path=/var/lib/app/big.bin');
    await edit('POST', '/draft/ops', { op: 'mkdir', path: '/srv/www', mode: 0o750, uid: 33, gid: 33 });
    await edit('POST', '/draft/ops', { op: 'symlink', path: '/srv/www/conf', target: '../../opt/app/conf' });
    await edit('POST', '/draft/ops', { op: 'rename', from: '/opt/app/conf/with space.conf', to: '/etc/moved.conf' });
    await edit('POST', '/draft/ops', { op: 'chmod', path: '/opt/app/conf/keep.conf', mode: 0o600 });
    await edit('DELETE', '/draft/content?path=/opt/app/cache');
    await edit('POST', '/draft/ops', { op: 'mkdir', path: '/opt/app/cache' });
    await edit('PUT', '/draft/content?path=/opt/app/cache/new.txt', 'new\n');
    await edit('PATCH', '/draft/config', { Cmd: ['cat', '/etc/os-release'], Entrypoint: null });
    const state = await edit('PUT', '/draft/tag', { tag: 'alpyne:latest' });
    expect(state.resultTag).toBe('alpyne:latest');
    const expected = await walkFs(app, multi, '&draft=1');
    expect(expected.some((l) => l.startsWith('/opt/app/.env\t'))).toBe(false);

    for (const mode of MODES) {
      const res = await app.inject({ method: 'POST', url: `/api/images/${multi}/export/save?mode=${mode}` });
      expect(res.statusCode, res.body).toBe(201);
      const saved = res.json() as ImageSummary;
      expect(saved.tags).toEqual(['alpyne:latest']);
      expect(await walkFs(app, saved.id), mode).toEqual(expected);
      expect((await app.inject(`/api/images/${saved.id}/content?path=/etc/os-release`)).rawPayload.equals(ALPYNE)).toBe(true);
      const detail = await getJson<ImageDetail>(app, `/api/images/${saved.id}`);
      const cfg = detail.config.config as Record<string, unknown>;
      expect(cfg.Cmd).toEqual(['cat', '/etc/os-release']);
      expect(cfg.Entrypoint ?? null).toBeNull();
      const secret = await getJson<SearchResult>(app, `/api/images/${saved.id}/search?q=${encodeURIComponent('/opt/app/.env')}&deleted=1`);
      // append leaves the secret in its lower layer (deleted); the other two modes strip it.
      expect(secret.items.length, mode).toBe(mode === 'append' ? 1 : 0);
      const big = await getJson<SearchResult>(app, `/api/images/${saved.id}/search?q=big.bin&deleted=1`);
      expect(big.items.length, mode).toBe(mode === 'append' ? 2 : 0);
      const original = await getJson<ImageDetail>(app, `/api/images/${multi}`);
      if (mode === 'append') {
        expect(detail.layers.slice(0, -1).map((l) => l.digest)).toEqual(original.layers.map((l) => l.digest));
        expect(detail.history.length).toBe(original.history.length + 1);
      } else if (mode === 'rewrite') {
        expect(detail.layers.length).toBe(original.layers.length + 1);
        // Layers without a deleted or replaced path keep their digests (the base layer, e.g.).
        expect(detail.layers[1].digest).toBe(original.layers[1].digest);
      } else {
        expect(detail.layers).toHaveLength(1);
        expect(detail.history.filter((h) => !h.emptyLayer)).toHaveLength(1);
      }
    }
  });

  it('a moved folder holding a hard link: the draft view and every export agree', async () => {
    const id = await ingest(app, 'multi-podman-oci');
    const moved = await app.inject({ method: 'POST', url: `/api/images/${id}/draft/ops`, payload: { op: 'rename', from: '/opt/app/conf', to: '/opt/conf-moved' } });
    expect(moved.statusCode, moved.body).toBe(200);
    // Exports may write a hard link as a copy: compare files and links by content digest.
    const fold = linksAsFiles;
    const expected = fold(await walkFs(app, id, '&draft=1'));
    for (const mode of MODES) {
      const res = await app.inject({ method: 'POST', url: `/api/images/${id}/export/save?mode=${mode}` });
      expect(res.statusCode, res.body).toBe(201);
      expect(fold(await walkFs(app, (res.json() as ImageSummary).id)), mode).toEqual(expected);
    }
    // The draft view shows a hard link as the file whose bytes it holds: a target path would go
    // stale as soon as either side moves (exports link copies of one content again).
    const folder = await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=/opt/conf-moved&draft=1`);
    const [link, target] = ['data.hardlink', 'data.bin'].map((name) => folder.find((e) => e.name === name)!);
    expect(target.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(link).toMatchObject({ type: 'file', size: 13, linkTarget: null, digest: target.digest });
  });

  it('a flatten keeps a hard link a hard link (to the first path of its group)', async () => {
    // An image no other test here edits: the export is of the image as it is.
    const id = await ingest(app, 'multi-skopeo-docker-archive');
    const res = await app.inject({ method: 'POST', url: `/api/images/${id}/export/save?mode=flatten` });
    expect(res.statusCode, res.body).toBe(201);
    const folder = await getJson<FsEntry[]>(app, `/api/images/${(res.json() as ImageSummary).id}/fs?path=/opt/app/conf`);
    expect(folder.find((e) => e.name === 'data.bin')).toMatchObject({ type: 'file', size: 13 });
    expect(folder.find((e) => e.name === 'data.hardlink')).toMatchObject({ type: 'hardlink', linkTarget: 'opt/app/conf/data.bin' });
  });

  it('the draft itself survives an export (nothing is consumed)', async () => {
    // An image of its own: its draft is this test's alone, whatever ran before.
    const id = await ingest(app, 'multi-oci');
    for (const payload of [{ op: 'delete', path: '/opt/app/.env' }, { op: 'rename', from: '/opt/app/conf', to: '/srv/conf' }, { op: 'mkdir', path: '/srv/www' }]) {
      const res = await app.inject({ method: 'POST', url: `/api/images/${id}/draft/ops`, payload });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect((await app.inject({ method: 'PUT', url: `/api/images/${id}/draft/tag`, payload: { tag: 'kept:latest' } })).statusCode).toBe(200);
    const before = await getJson<DraftState>(app, `/api/images/${id}/draft`);
    expect([before.ops.length, before.tag]).toEqual([3, 'kept:latest']);
    for (const mode of MODES) {
      expect((await app.inject(`/api/images/${id}/export?mode=${mode}`)).statusCode, mode).toBe(200);
      expect((await app.inject({ method: 'POST', url: `/api/images/${id}/export/save?mode=${mode}` })).statusCode, mode).toBe(201);
    }
    expect(await getJson<DraftState>(app, `/api/images/${id}/draft`)).toEqual(before);
  });

  it('the new layers of a download leave the store when it ends, finished or cut off', async () => {
    const blobs = async () => {
      await app.peel.idle();
      return (await readdir(join(dir, 'blobs', 'sha256'))).sort();
    };
    const before = await blobs();
    const full = await app.inject(`/api/images/${multi}/export?mode=flatten`);
    expect(full.statusCode).toBe(200);
    expect(await blobs()).toEqual(before);

    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const ac = new AbortController();
    const res = await fetch(`${address}/api/images/${multi}/export?mode=rewrite&compression=none`, { signal: ac.signal });
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    let after: string[] = [];
    for (let i = 0; i < 100; i++) {
      after = await blobs();
      if (after.length === before.length) break;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    expect(after).toEqual(before);
    // (Last test: once listening, requests must name the bound port.)
    expect((await fetch(`${address}/api/images/${multi}/draft`)).status).toBe(200);
  });
});
