import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ImageDetail, RegistryManifest, RegistryOpenJob, RegistryTagsPage } from '@peel/api';
import { build, fixture, getJson, removeDir, storeState, tempDir, upload } from '../helper.js';
import { walkFs } from '../fs-walk.js';
import { skopeoCopy, skopeoInspect, skopeoRaw, startRegistry, type TestRegistry } from './registry-server.js';
import { fakeImage, startFakeRegistry, type FakeImage } from './fake-registry.js';

const FINISHED = new Set(['done', 'failed', 'cancelled']);

async function openJob(app: FastifyInstance, ref: string, platform?: string): Promise<RegistryOpenJob> {
  const res = await app.inject({ method: 'POST', url: '/api/registry/open-jobs', payload: { ref, ...(platform ? { platform } : {}) } });
  expect(res.statusCode, res.body).toBe(202);
  return res.json() as RegistryOpenJob;
}

async function finished(app: FastifyInstance, job: RegistryOpenJob): Promise<RegistryOpenJob> {
  let view = job;
  while (!FINISHED.has(view.state)) {
    await new Promise((r) => setTimeout(r, 50));
    view = await getJson<RegistryOpenJob>(app, `/api/registry/open-jobs/${job.id}`);
  }
  return view;
}

describe('opening images from a registry (Debian docker-registry, images put there by skopeo)', () => {
  let dir: string;
  let app: FastifyInstance;
  let registry: TestRegistry;
  let ref: string;
  beforeAll(async () => {
    dir = await tempDir();
    registry = await startRegistry('server-open');
    ref = `${registry.host}/test/x:v1`;
    await skopeoCopy(registry, fixture('tiny-docker-legacy'), ref);
    app = await build(dir);
  });
  afterAll(async () => {
    await app?.close();
    await registry?.stop();
    await removeDir(dir);
  });

  it('shows the manifest, config and layers before downloading any layer, as skopeo reads them', async () => {
    const raw = await skopeoInspect(registry, ref, '--raw') as { mediaType: string; config: { digest: string; size: number }; layers: Array<{ digest: string; size: number }> };
    const inspected = await skopeoInspect(registry, ref) as { Digest: string };
    const config = await skopeoInspect(registry, ref, '--config') as { history: unknown[]; created: string };
    const m = await getJson<RegistryManifest>(app, `/api/registry/manifest?ref=${encodeURIComponent(ref)}`);
    expect(m.ref).toBe(ref);
    expect(m.digest).toBe(inspected.Digest);
    expect(m.mediaType).toBe(raw.mediaType);
    expect(m.platforms).toBeNull();
    expect(m.image!.config.digest).toBe(raw.config.digest);
    expect(m.image!.layers.map((l) => [l.digest, l.size])).toEqual(raw.layers.map((l) => [l.digest, l.size]));
    expect(m.image!.size).toBe(raw.config.size + raw.layers.reduce((s, l) => s + l.size, 0));
    expect(m.image!.history).toHaveLength(config.history.length);
    expect(m.image!.created).toBe(config.created);
    // Nothing was stored by reading a manifest.
    expect((await storeState(app, dir)).blobs).toEqual([]);
  });

  it('opens an image by tag: stored like the same archive uploaded, with the manifest skopeo sees', async () => {
    const inspected = await skopeoInspect(registry, ref) as { Digest: string; Layers: string[] };
    const job = await finished(app, await openJob(app, ref));
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    expect(job.digest).toBe(inspected.Digest);
    expect(job.layers.map((l) => l.digest)).toEqual(inspected.Layers);
    for (const l of job.layers) expect([l.state, l.loaded]).toEqual(['done', l.size]);
    const opened = await getJson<ImageDetail>(app, `/api/images/${job.image!.id}`);
    expect(opened.manifestDigest).toBe(inspected.Digest);
    expect(opened.layers.map((l) => l.digest)).toEqual(inspected.Layers);
    expect(opened.tags).toEqual([ref]);

    const up = await upload(app, fixture('tiny-docker-legacy'));
    const uploaded = await getJson<ImageDetail>(app, `/api/images/${(up.json() as { id: string }).id}`);
    // skopeo compressed the layers on the way in: the diff_ids (the tars) are the same.
    expect(opened.layers.map((l) => l.diffId)).toEqual(uploaded.layers.map((l) => l.diffId));
    expect(opened.configDigest).toBe(uploaded.configDigest);
    expect(opened.history).toEqual(uploaded.history);
    expect(await walkFs(app, opened.id)).toEqual(await walkFs(app, uploaded.id));
  });

  it('reads the blobs the store holds from the store, not the registry', async () => {
    const first = await finished(app, await openJob(app, ref));
    expect(first.state).toBe('done');
    const again = await finished(app, await openJob(app, ref));
    expect(again.state).toBe('done');
    expect(again.layers.map((l) => [l.state, l.loaded])).toEqual(again.layers.map((l) => ['stored', l.size]));
    expect(again.image!.id).toBe(first.image!.id);
  });

  it('lists a repository\'s tags', async () => {
    await skopeoCopy(registry, fixture('tiny-docker-legacy'), `${registry.host}/test/x:v2`);
    const page = await getJson<RegistryTagsPage>(app, `/api/registry/tags?repo=${encodeURIComponent(`${registry.host}/test/x`)}&paged=1`);
    expect(page.items.map((t) => t.tag).sort()).toEqual(['v1', 'v2']);
    expect(page.items.find((t) => t.tag === 'v2')!.ref).toBe(`${registry.host}/test/x:v2`);
    expect(page.next).toBeNull();
    // Page by page: each page's `next` is the following page's cursor.
    const repo = encodeURIComponent(`${registry.host}/test/x`);
    const first = await getJson<RegistryTagsPage>(app, `/api/registry/tags?repo=${repo}&paged=1&limit=1`);
    expect(first.items.map((t) => t.tag)).toEqual(['v1']);
    expect(first.next).not.toBeNull();
    const second = await getJson<RegistryTagsPage>(app, `/api/registry/tags?repo=${repo}&paged=1&limit=1&cursor=${encodeURIComponent(first.next!)}`);
    expect(second.items.map((t) => t.tag)).toEqual(['v2']);
    expect(second.next).toBeNull();
  });

  it("lists tags with each tag's digest, platforms and size as skopeo reads its manifest; a broken tag says why, alone", async () => {
    const repo = `${registry.host}/details/app`;
    await skopeoCopy(registry, fixture('tiny-docker-legacy'), `${repo}:single`);
    await skopeoCopy(registry, fixture('tiny-multiarch-oci'), `${repo}:multi`, 'oci-archive', '--all');
    // A tag whose manifest the registry does not have: its link names a digest never pushed.
    const missing = `sha256:${'0'.repeat(64)}`;
    const tagDir = join(registry.dir, 'data/docker/registry/v2/repositories/details/app/_manifests/tags/broken/current');
    await mkdir(tagDir, { recursive: true });
    await writeFile(join(tagDir, 'link'), missing);

    const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    type Image = { mediaType: string; config: { size: number }; layers: Array<{ size: number }> };
    const sizeOf = (m: Image) => m.config.size + m.layers.reduce((s, l) => s + l.size, 0);
    const singleRaw = await skopeoRaw(registry, `${repo}:single`);
    const multiRaw = await skopeoRaw(registry, `${repo}:multi`);
    const index = JSON.parse(multiRaw.toString()) as { mediaType: string; manifests: Array<{ digest: string; platform: { os: string; architecture: string; variant?: string } }> };
    const hostArch = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch];
    const host = index.manifests.find((d) => d.platform.os === 'linux' && d.platform.architecture === hostArch)!;
    const hostRaw = await skopeoRaw(registry, `${repo}@${host.digest}`);

    const page = await getJson<RegistryTagsPage>(app, `/api/registry/tags?repo=${encodeURIComponent(repo)}&paged=1&details=1`);
    const byTag = new Map(page.items.map((t) => [t.tag, t]));
    expect([...byTag.keys()].sort()).toEqual(['broken', 'multi', 'single']);
    expect(byTag.get('single')).toEqual({
      tag: 'single', ref: `${repo}:single`, digest: sha(singleRaw), mediaType: (JSON.parse(singleRaw.toString()) as Image).mediaType,
      platforms: null, size: sizeOf(JSON.parse(singleRaw.toString()) as Image), sizePlatform: null, error: null,
    });
    expect(byTag.get('multi')).toEqual({
      tag: 'multi', ref: `${repo}:multi`, digest: sha(multiRaw), mediaType: index.mediaType,
      platforms: index.manifests.filter((d) => d.platform.os !== 'unknown').map((d) => [d.platform.os, d.platform.architecture, d.platform.variant].filter(Boolean).join('/')),
      size: sizeOf(JSON.parse(hostRaw.toString()) as Image), sizePlatform: `linux/${hostArch}`, error: null,
    });
    expect(byTag.get('multi')!.platforms!.length).toBeGreaterThan(1);
    const broken = byTag.get('broken')!;
    expect(broken).toMatchObject({ digest: null, mediaType: null, platforms: null, size: null, sizePlatform: null });
    expect(broken.error!.code).toBe('REGISTRY_NOT_FOUND');
    // Without details=1 the page is as before: tags and references only.
    const plain = await getJson<RegistryTagsPage>(app, `/api/registry/tags?repo=${encodeURIComponent(repo)}&paged=1`);
    expect(plain.items.map((t) => Object.keys(t).sort())).toEqual(plain.items.map(() => ['ref', 'tag']));
  });

  it('fails a job for a tag the registry does not have, saying so, and stores nothing', async () => {
    const before = await storeState(app, dir);
    const job = await finished(app, await openJob(app, `${registry.host}/test/x:nope`));
    expect(job.state).toBe('failed');
    expect(job.error!.code).toBe('REGISTRY_NOT_FOUND');
    expect(job.error!.message).toContain('nope');
    expect(await storeState(app, dir)).toEqual(before);
    const manifest = await app.inject(`/api/registry/manifest?ref=${encodeURIComponent(`${registry.host}/test/x:nope`)}`);
    expect(manifest.statusCode).toBe(404);
  });

  it('lists an index\'s platforms and opens the one asked for', async () => {
    const multi = `${registry.host}/test/multi:latest`;
    await skopeoCopy(registry, fixture('tiny-multiarch-oci'), multi, 'oci-archive', '--all');
    const raw = await skopeoInspect(registry, multi, '--raw') as { mediaType: string; manifests: Array<{ digest: string; platform: { os: string; architecture: string } }> };
    const m = await getJson<RegistryManifest>(app, `/api/registry/manifest?ref=${encodeURIComponent(multi)}&platform=linux/arm64`);
    expect(m.mediaType).toBe(raw.mediaType);
    expect(m.platforms!.map((p) => [p.name, p.digest])).toEqual(raw.manifests.map((d) => [`${d.platform.os}/${d.platform.architecture}`, d.digest]));
    const arm = raw.manifests.find((d) => d.platform.architecture === 'arm64')!;
    expect(m.image!.digest).toBe(arm.digest);
    const job = await finished(app, await openJob(app, multi, 'linux/arm64'));
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    expect([job.digest, job.platform]).toEqual([arm.digest, 'linux/arm64']);
    const opened = await getJson<ImageDetail>(app, `/api/images/${job.image!.id}`);
    const armConfig = await skopeoInspect(registry, multi, '--config', '--override-arch', 'arm64') as { rootfs: { diff_ids: string[] } };
    expect(opened.layers.map((l) => l.diffId)).toEqual(armConfig.rootfs.diff_ids);
    expect(opened.platform).toMatchObject({ os: 'linux', architecture: 'arm64' });
    const missing = await app.inject(`/api/registry/manifest?ref=${encodeURIComponent(multi)}&platform=linux/s390x`);
    expect(missing.statusCode).toBe(404);
  });

  it('refuses a malformed reference before starting anything', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/registry/open-jobs', payload: { ref: `${registry.host}/Test/X:v1` } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REFERENCE');
  });
});

describe('opening from a registry that wants a token, over TLS with a private CA', () => {
  let dir: string;
  let app: FastifyInstance;
  let registry: TestRegistry;
  let ref: string;
  const logs: string[] = [];
  beforeAll(async () => {
    dir = await tempDir();
    registry = await startRegistry('server-token', 'token');
    ref = `${registry.host}/test/private:v1`;
    await skopeoCopy(registry, fixture('tiny-docker-legacy'), ref);
    const stream = { write: (line: string) => void logs.push(line) };
    // No Docker config: credentials come only from the session login.
    app = await build(dir, { registry: { caFile: registry.ca!, env: { HOME: dir } }, logger: { level: 'trace', stream } });
  });
  afterAll(async () => {
    await app?.close();
    await registry?.stop();
    await removeDir(dir);
  });

  it('is refused without credentials, opens with credentials typed in for the session, and never shows or keeps them', async () => {
    const refused = await finished(app, await openJob(app, ref));
    expect(refused.state).toBe('failed');
    // The token server gives anonymous requests no access to test/: the registry keeps saying 401.
    expect(refused.error!.code).toBe('REGISTRY_AUTH_LOOP');
    expect(refused.error!.message).toContain(`${registry.host} still answered 401`);
    expect(refused.error!.message).toContain('without credentials');
    const login = await app.inject({ method: 'PUT', url: '/api/registry/logins', payload: { registry: registry.host, username: registry.username, password: registry.password } });
    expect(login.statusCode).toBe(204);
    const listed = await app.inject('/api/registry/logins');
    expect(listed.json()).toEqual([{ registry: registry.host }]);
    expect(listed.body).not.toContain(registry.password!);
    const job = await finished(app, await openJob(app, ref));
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    const inspected = await skopeoInspect(registry, ref) as { Digest: string };
    expect(job.digest).toBe(inspected.Digest);
    // Not in the log, not in the database, not in any stored blob.
    await app.peel.idle();
    expect(logs.join('\n')).not.toContain(registry.password!);
    expect(spawnSync('grep', ['-rlF', '--', registry.password!, dir], { encoding: 'utf8' }).stdout).toBe('');
    const out = await app.inject({ method: 'DELETE', url: `/api/registry/logins?registry=${encodeURIComponent(registry.host)}` });
    expect(out.statusCode).toBe(204);
    expect((await app.inject('/api/registry/logins')).json()).toEqual([]);
  });
});

describe('opening from a hostile or slow registry (a hand-made one)', () => {
  let dir: string;
  let app: FastifyInstance;
  let image: FakeImage;
  beforeAll(async () => {
    dir = await tempDir();
    app = await build(dir);
    image = await fakeImage(4 * 1024 * 1024);
  });
  afterAll(async () => {
    await app?.close();
    await removeDir(dir);
  });

  it('fails a layer whose bytes do not match its digest, and stores nothing', async () => {
    const forged = Buffer.from(image.layer);
    forged[forged.length - 2048] ^= 1;
    const fake = await startFakeRegistry(image, (res) => res.writeHead(200, { 'content-length': forged.length, 'content-type': 'application/octet-stream' }).end(forged));
    try {
      const before = await storeState(app, dir);
      const job = await finished(app, await openJob(app, `${fake.host}/evil/x:v1`));
      expect(job.state).toBe('failed');
      expect(job.error!.code).toBe('REGISTRY_DIGEST_MISMATCH');
      expect(job.error!.message).toContain(image.layerDigest.slice(7, 19));
      expect(await storeState(app, dir)).toEqual(before);
    } finally {
      await fake.close();
    }
  });

  it('does not download a layer the store holds (the registry now serves it forged: never asked for)', async () => {
    const good = await startFakeRegistry(image, (res) => res.writeHead(200, { 'content-length': image.layer.length }).end(image.layer));
    const first = await finished(app, await openJob(app, `${good.host}/ok/x:v1`)).finally(() => good.close());
    expect(first.state, JSON.stringify(first.error)).toBe('done');
    expect(first.layers[0].state).toBe('done');
    const forged = Buffer.alloc(image.layer.length);
    const fake = await startFakeRegistry(image, (res) => res.writeHead(200, { 'content-length': forged.length }).end(forged));
    try {
      const again = await finished(app, await openJob(app, `${fake.host}/ok/x:v1`));
      expect(again.state, JSON.stringify(again.error)).toBe('done');
      expect(again.layers[0]).toMatchObject({ state: 'stored', loaded: image.layer.length });
      expect(fake.requests.filter((r) => r.includes(image.layerDigest))).toEqual([]);
      expect(fake.requests.filter((r) => r.includes(image.configDigest)).length).toBeGreaterThan(0);
      const [a, b] = await Promise.all([first, again].map((j) => getJson<ImageDetail>(app, `/api/images/${j.image!.id}`)));
      expect(b.layers.map((l) => l.digest)).toEqual(a.layers.map((l) => l.digest));
    } finally {
      await fake.close();
    }
  });

  it('cancels a job whose layer is still coming: the job says cancelled, nothing is stored', async () => {
    // An image of its own: the store must not hold its layer already.
    const slow = await fakeImage(3 * 1024 * 1024);
    const fake = await startFakeRegistry(slow, (res) => {
      // Half the layer, then silence (the registry never finishes).
      res.writeHead(200, { 'content-length': slow.layer.length, 'content-type': 'application/octet-stream' });
      res.write(slow.layer.subarray(0, slow.layer.length / 2));
    });
    try {
      const before = await storeState(app, dir);
      const job = await openJob(app, `${fake.host}/slow/x:v1`);
      let view = job;
      while (view.layers[0]?.loaded !== slow.layer.length / 2 && !FINISHED.has(view.state)) {
        await new Promise((r) => setTimeout(r, 20));
        view = await getJson<RegistryOpenJob>(app, `/api/registry/open-jobs/${job.id}`);
      }
      expect(view.state).toBe('fetching');
      expect(view.layers[0].state).toBe('fetching');
      const del = await app.inject({ method: 'DELETE', url: `/api/registry/open-jobs/${job.id}` });
      expect(del.statusCode).toBe(200);
      const done = await finished(app, job);
      expect(done.state).toBe('cancelled');
      expect(done.image).toBeNull();
      expect(await storeState(app, dir)).toEqual(before);
    } finally {
      await fake.close();
    }
  });

  it("reads a page's tag manifests four at a time, never more", async () => {
    const tags = Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    let inFlight = 0;
    let most = 0;
    const sockets = new Set<Socket>();
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/v2/' || path === '/v2') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      if (path === '/v2/many/tags/tags/list') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'many/tags', tags }));
      inFlight += 1;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': image.manifest.length, 'docker-content-digest': image.manifestDigest }).end(image.manifest);
      }, 100);
    });
    server.on('connection', (c) => {
      sockets.add(c);
      c.on('close', () => sockets.delete(c));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const repo = `127.0.0.1:${(server.address() as AddressInfo).port}/many/tags`;
      const page = await getJson<RegistryTagsPage>(app, `/api/registry/tags?repo=${encodeURIComponent(repo)}&paged=1&details=1`);
      expect(page.items.map((t) => [t.tag, t.digest])).toEqual(tags.map((t) => [t, image.manifestDigest]));
      expect(most).toBe(4);
    } finally {
      for (const c of sockets) c.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('a page of another site cannot make Peel reach a registry, even with a GET', async () => {
    const fake = await startFakeRegistry(image, (res) => res.writeHead(200, { 'content-length': image.layer.length }).end(image.layer));
    try {
      const url = `/api/registry/manifest?ref=${encodeURIComponent(`${fake.host}/x/y:v1`)}`;
      for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'http://evil.example' }, { origin: 'null' }]) {
        const res = await app.inject({ url, headers });
        expect(res.statusCode, JSON.stringify(headers)).toBe(403);
        expect(res.json().error.code).toBe('BAD_ORIGIN');
        const tags = await app.inject({ url: `/api/registry/tags?repo=${encodeURIComponent(`${fake.host}/x/y`)}`, headers });
        expect(tags.statusCode).toBe(403);
      }
      expect((await app.inject({ url, headers: { host: 'evil.example' } })).statusCode).toBe(403);
      expect(fake.requests).toEqual([]);
      // Our own page may.
      const own = await app.inject({ url, headers: { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' } });
      expect(own.statusCode, own.body).toBe(200);
      expect(fake.requests.length).toBeGreaterThan(0);
    } finally {
      await fake.close();
    }
  });
});
