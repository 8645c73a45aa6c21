import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ImageDetail, ImageSummary } from '@peel/api';
import { build, FIXTURES, fixture, getJson, ingest, removeDir, storeState, tempDir, upload } from './helper.js';

const ALL_FIXTURES = readdirSync(FIXTURES).filter((f) => f.endsWith('.tar')).sort();

describe('images: upload, list, describe, delete', () => {
  let dir: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = await tempDir();
    app = await build(dir);
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('ingests every fixture archive and lists it', async () => {
    expect(ALL_FIXTURES.length).toBeGreaterThanOrEqual(12);
    const ids = new Set<string>();
    for (const f of ALL_FIXTURES) {
      const res = await upload(app, fixture(f));
      expect(res.statusCode, `${f}: ${res.body}`).toBe(201);
      const s = res.json() as ImageSummary;
      expect(s.name).toBe(f);
      expect(s.id).toMatch(/^[a-f0-9]{16}$/);
      expect(s.layerCount).toBeGreaterThan(0);
      ids.add(s.id);
    }
    const list = await getJson<ImageSummary[]>(app, '/api/images');
    expect(new Set(list.map((i) => i.id))).toEqual(ids);
    for (const s of list) {
      expect(Object.keys(s)).toEqual(expect.arrayContaining(['id', 'name', 'tags', 'format', 'platform', 'size', 'layerCount', 'createdAt']));
      expect(Number.isNaN(Date.parse(s.createdAt))).toBe(false);
    }
  });

  it('describes multi: 13 layers, 24 history steps linked to their layers, config as stored', async () => {
    const id = await ingest(app, 'multi-docker-legacy');
    const d = await getJson<ImageDetail>(app, `/api/images/${id}`);
    expect(d.format).toBe('docker-legacy');
    expect(d.tags).toEqual(['fixtures/multi:latest']);
    expect(d.platform).toMatchObject({ os: 'linux', architecture: 'amd64' });
    expect(d.layers).toHaveLength(13);
    expect(d.history).toHaveLength(24);
    expect(d.history.filter((h) => h.emptyLayer)).toHaveLength(11);
    expect(d.layers[0].diffId).toBe('sha256:585cf691c01b641578afe7f67120ad93d2695bcadc4ec8e83ea96f79f8de9811');
    for (const l of d.layers) {
      expect(l.history).not.toBeNull();
      expect(d.history[l.history!].layer).toBe(l.index);
    }
    // contentSize is what docker history calls SIZE: the 2 MiB file of layer 7.
    expect(d.layers[7].contentSize).toBe(2097152);
    expect(d.layers[0].entryCount).toBe(73);
    expect((d.config as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids).toEqual(d.layers.map((l) => l.diffId));
    expect(d.configDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(d.platforms.length).toBeGreaterThanOrEqual(1);
  });

  it('describes a multi-platform OCI archive: the host platform, and the others listed', async () => {
    const id = await ingest(app, 'tiny-multiarch-oci');
    const d = await getJson<ImageDetail>(app, `/api/images/${id}`);
    expect(d.platform).toMatchObject({ os: 'linux', architecture: 'amd64' });
    expect(d.platforms.map((p) => p.platform.architecture).sort()).toEqual(['amd64', 'arm64']);
    expect(d.platforms.find((p) => p.platform.architecture === 'amd64')!.imageId).toBe(id);
    expect(d.platforms.find((p) => p.platform.architecture === 'arm64')!.imageId).toBeNull();

    const arm = await upload(app, fixture('tiny-multiarch-oci'), 'platform=linux/arm64');
    expect(arm.statusCode, arm.body).toBe(201);
    const armId = (arm.json() as ImageSummary).id;
    expect(armId).not.toBe(id);
    const again = await getJson<ImageDetail>(app, `/api/images/${id}`);
    expect(again.platforms.find((p) => p.platform.architecture === 'arm64')!.imageId).toBe(armId);
    const osRelease = await app.inject(`/api/images/${armId}/content?path=/etc/os-release`);
    expect(osRelease.body).toContain('arm64 stub');

    const missing = await upload(app, fixture('tiny-multiarch-oci'), 'platform=linux/s390x');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.code).toBe('NO_SUCH_PLATFORM');
  });

  it('accepts a compressed archive (docker save | gzip) under any upload content type', async () => {
    const gz = gzipSync(readFileSync(fixture('tiny-docker-legacy')));
    for (const type of ['application/gzip', 'application/octet-stream', '']) {
      const res = await app.inject({ method: 'POST', url: '/api/images?name=tiny.tar.gz', headers: type ? { 'content-type': type } : {}, payload: gz });
      expect([200, 201], `${type}: ${res.body}`).toContain(res.statusCode);
      const d = await getJson<ImageDetail>(app, `/api/images/${res.json().id}`);
      expect(d.outerCompression).toBe('gzip');
    }
  });

  it('stores the same archive once: the second upload answers 200 with the same image', async () => {
    const first = await upload(app, fixture('multi-oci'));
    const before = await storeState(app, dir);
    const second = await upload(app, fixture('multi-oci'));
    expect(second.statusCode).toBe(200);
    expect(second.json().id).toBe(first.json().id);
    const after = await storeState(app, dir);
    expect(after).toEqual(before);
  });

  it('deletes an image; blobs another image shares stay and still serve', async () => {
    // The skopeo docker-archive carries the same uncompressed layers as docker save's.
    const legacy = await ingest(app, 'multi-docker-legacy');
    const skopeo = await ingest(app, 'multi-skopeo-docker-archive');
    const legacyLayers = (await getJson<ImageDetail>(app, `/api/images/${legacy}`)).layers.map((l) => l.digest);
    const skopeoLayers = (await getJson<ImageDetail>(app, `/api/images/${skopeo}`)).layers.map((l) => l.digest);
    expect(skopeoLayers).toEqual(legacyLayers);

    const del = await app.inject({ method: 'DELETE', url: `/api/images/${legacy}` });
    expect(del.statusCode).toBe(204);
    expect((await app.inject(`/api/images/${legacy}`)).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: `/api/images/${legacy}` })).statusCode).toBe(404);
    const state = await storeState(app, dir);
    for (const d of skopeoLayers) expect(state.blobs).toContain(d.slice('sha256:'.length));
    const big = await app.inject({ url: `/api/images/${skopeo}/content?path=/var/lib/app/big.bin&layer=7`, headers: { range: 'bytes=0-15' } });
    expect(big.statusCode).toBe(206);
    expect(big.rawPayload).toHaveLength(16);
  });

  it('a delete racing a new upload of the same archive leaves a consistent store', async () => {
    const id = await ingest(app, 'multi-podman-oci');
    const [del, up] = await Promise.all([app.inject({ method: 'DELETE', url: `/api/images/${id}` }), upload(app, fixture('multi-podman-oci'))]);
    expect(del.statusCode).toBe(204);
    expect([200, 201, 404]).toContain(up.statusCode);
    const now = await app.inject(`/api/images/${id}`);
    if (now.statusCode === 200) {
      expect((await app.inject(`/api/images/${id}/content?path=/etc/os-release`)).body).toContain('Tiny Linux');
    } else {
      expect(now.statusCode).toBe(404);
    }
  });

  it('deleting every image leaves an empty store', async () => {
    for (const s of await getJson<ImageSummary[]>(app, '/api/images')) {
      expect((await app.inject({ method: 'DELETE', url: `/api/images/${s.id}` })).statusCode).toBe(204);
    }
    const state = await storeState(app, dir);
    expect(state.blobs).toEqual([]);
    expect(state.temp).toEqual([]);
    expect(Object.values(state.rows).every((n) => n === 0)).toBe(true);
  });

  it('answers 404 for unknown images on every image route', async () => {
    for (const url of ['/api/images/0000000000000000', '/api/images/nope/fs?path=/', '/api/images/nope/content?path=/etc/passwd',
      '/api/images/nope/archive', '/api/images/nope/archive/content?path=manifest.json', '/api/images/nope/layers/0/changes',
      '/api/images/nope/search?q=a']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
  });
});
