/**
 * Pushing exports to a real registry (Debian's docker-registry: open, basic, token over TLS), each
 * checked by tools other than Peel: skopeo (inspect: the digest; copy into an OCI layout: every
 * blob's digest), GNU tar (the edited file read from the copied layers) and Docker (pull, then
 * run the image). Images in the registries are put there by skopeo, never by Peel.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ImageSummary, RegistryOpenJob, RegistryPushJob } from '@peel/api';
import { build, FIXTURES, fixture, getJson, ingest, removeDir, storeState, tempDir } from '../helper.js';
import { skopeoCopy, skopeoFlags, skopeoInspect, startRegistry, type TestRegistry } from './registry-server.js';

const run = promisify(execFile);
const dockerHost = inject('dockerHost');
const ALPYNE = await readFile(path.join(FIXTURES, 'tiny-alpyne-expected.txt'));
const MODES = ['append', 'flatten', 'rewrite'] as const;
const FINISHED = new Set(['done', 'failed', 'cancelled']);
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function push(app: FastifyInstance, id: string, body: object): Promise<RegistryPushJob> {
  const res = await app.inject({ method: 'POST', url: `/api/images/${id}/export/registry`, payload: body });
  expect(res.statusCode, res.body).toBe(202);
  let view = res.json() as RegistryPushJob;
  while (!FINISHED.has(view.state)) {
    await new Promise((r) => setTimeout(r, 50));
    view = await getJson<RegistryPushJob>(app, `/api/registry/push-jobs/${view.id}`);
  }
  return view;
}

async function pushed(app: FastifyInstance, id: string, body: object): Promise<RegistryPushJob> {
  const job = await push(app, id, body);
  expect(job.state, JSON.stringify(job.error)).toBe('done');
  return job;
}

/** Edits /etc/os-release in the image's draft. */
async function draftAlpyne(app: FastifyInstance, id: string): Promise<void> {
  const res = await app.inject({ method: 'PUT', url: `/api/images/${id}/draft/content?path=/etc/os-release`, payload: ALPYNE, headers: { 'content-type': 'application/octet-stream' } });
  expect(res.statusCode, res.body).toBe(200);
}

/** `skopeo copy --preserve-digests docker://ref oci:DIR` (uncompressed layers stay so), then /etc/os-release as the copied layers leave it (GNU tar reads each, the last holder wins). */
async function osReleaseViaSkopeo(reg: TestRegistry, ref: string): Promise<{ osRelease: Buffer; layers: number; manifestDigest: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'peel-push-back-'));
  await run('skopeo', ['copy', '--quiet', '--preserve-digests', ...skopeoFlags(reg, 'src-'), `docker://${ref}`, `oci:${dir}:back`]);
  const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const blob = (d: string) => path.join(dir, 'blobs', 'sha256', d.slice('sha256:'.length));
  const manifest = JSON.parse(await readFile(blob(index.manifests[0]!.digest), 'utf8')) as { layers: Array<{ digest: string }> };
  let osRelease: Buffer | null = null;
  for (const layer of manifest.layers) {
    const names = (await run('tar', ['-tf', blob(layer.digest)], { maxBuffer: 64 * 1024 * 1024 })).stdout.split('\n');
    const name = names.find((n) => n === 'etc/os-release' || n === './etc/os-release');
    if (name) osRelease = (await run('tar', ['-xOf', blob(layer.digest), name], { encoding: 'buffer' })).stdout;
  }
  await removeDir(dir);
  return { osRelease: osRelease ?? Buffer.alloc(0), layers: manifest.layers.length, manifestDigest: index.manifests[0]!.digest };
}

/** `docker pull` then `docker run … cat /etc/os-release` (the private engine; 127.0.0.0/8 is insecure to it). */
async function osReleaseViaDocker(ref: string, config: string[] = []): Promise<string> {
  const docker = (...args: string[]) => run('docker', [...config, ...args], { env: { ...process.env, DOCKER_HOST: dockerHost } });
  await docker('pull', '-q', ref);
  try {
    return (await docker('run', '--rm', '--network', 'none', ref, 'cat', '/etc/os-release')).stdout;
  } finally {
    await docker('rmi', ref);
  }
}

/** A `docker login` config folder: how a user gives Peel (and Docker) a registry's credentials. */
async function dockerLogin(dir: string, reg: TestRegistry): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile('docker', ['--config', dir, 'login', reg.host, '-u', reg.username!, '--password-stdin'], { env: { ...process.env, DOCKER_HOST: dockerHost } }, (e) => (e ? reject(e) : resolve()));
    child.stdin!.end(`${reg.password}\n`);
  });
}

/**
 * A registry in front of a real one (upload Locations rewritten to itself) that refuses every
 * manifest (400 MANIFEST_INVALID) or, with `stall`, never answers a blob's upload.
 */
async function refusingProxy(target: TestRegistry, stall = false): Promise<{ host: string; close(): Promise<void> }> {
  const [thost, tport] = target.host.split(':');
  const server = http.createServer((req, res) => {
    if (stall && (req.method === 'PUT' || req.method === 'PATCH') && /\/blobs\/uploads\//.test(req.url ?? '')) {
      req.resume();
      return;
    }
    if (req.method === 'PUT' && /\/manifests\//.test(req.url ?? '')) {
      req.resume();
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_INVALID', message: 'manifests are refused by policy here' }] }));
      return;
    }
    const out = http.request({ host: thost, port: Number(tport), method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (up) => {
      const headers = { ...up.headers };
      if (typeof headers.location === 'string') headers.location = headers.location.replace(`//${target.host}`, `//${host}`);
      res.writeHead(up.statusCode ?? 502, headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    host,
    close: () => new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}

describe('pushing exports to a registry (Debian docker-registry; checked by skopeo, GNU tar and Docker)', () => {
  let dir: string;
  let dockerConfig: string;
  let app: FastifyInstance;
  let open: TestRegistry;
  let basic: TestRegistry;
  let token: TestRegistry;
  let id: string;
  beforeAll(async () => {
    dir = await tempDir();
    [open, basic, token] = await Promise.all([startRegistry('server-push-open'), startRegistry('server-push-basic', 'basic'), startRegistry('server-push-token', 'token')]);
    // The walkthrough's source: what skopeo put in the registry as app:1.
    await skopeoCopy(open, fixture('tiny-docker-legacy'), `${open.host}/team/app:1`);
    dockerConfig = await mkdtemp(path.join(os.tmpdir(), 'peel-push-docker-config-'));
    await dockerLogin(dockerConfig, basic);
    await dockerLogin(dockerConfig, token);
    app = await build(dir, { registry: { env: { DOCKER_CONFIG: dockerConfig }, caFile: token.ca ?? undefined } });
    id = await ingest(app, 'tiny-docker-legacy');
    await draftAlpyne(app, id);
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([open?.stop(), basic?.stop(), token?.stop()]);
    await removeDir(dir);
  });

  it.each(MODES)('pushes the %s export as app:2: skopeo reads the same digest and the edited file, docker pulls and runs it', async (mode) => {
    const ref = `${open.host}/team/app:2`;
    const job = await pushed(app, id, { ref, mode });
    expect(job.ref).toBe(ref);
    expect(job.pushed).toBe(job.total);
    expect(job.total).toBe(job.blobs.reduce((s, b) => s + b.size, 0));
    expect(job.total).toBeGreaterThan(0);
    const inspected = await skopeoInspect(open, ref) as { Digest: string; Layers: string[] };
    expect(job.digest).toBe(inspected.Digest);
    expect(job.blobs.filter((b) => b.kind === 'layer').map((b) => b.digest)).toEqual(inspected.Layers);
    const back = await osReleaseViaSkopeo(open, ref);
    expect(back.manifestDigest).toBe(job.digest);
    expect(back.osRelease.equals(ALPYNE)).toBe(true);
    expect(back.layers).toBe(mode === 'flatten' ? 1 : 2);
    expect(await osReleaseViaDocker(ref)).toBe(ALPYNE.toString());
    // The digest is the archive's: the tar download of the same export holds the same manifest.
    const tar = await app.inject({ url: `/api/images/${id}/export?mode=${mode}` });
    const archive = path.join(dir, `export-${mode}.tar`);
    await writeFile(archive, tar.rawPayload);
    const index = JSON.parse((await run('tar', ['-xOf', archive, 'index.json'])).stdout) as { manifests: Array<{ digest: string }> };
    expect(index.manifests[0]!.digest).toBe(job.digest);
  });

  /** A server that has pushed nothing yet (it knows no repository holding a blob). */
  async function fresh<T>(work: (app: FastifyInstance) => Promise<T>): Promise<T> {
    const own = await tempDir();
    const other = await build(own, { registry: { env: { DOCKER_CONFIG: dockerConfig }, caFile: token.ca ?? undefined } });
    try {
      return await work(other);
    } finally {
      await other.close();
      await removeDir(own);
    }
  }

  it('skips what the repository has, mounts what another repository holds, uploads the rest', () => fresh(async (app) => {
    const id = await ingest(app, 'tiny-docker-legacy');
    await draftAlpyne(app, id);
    const first = `${open.host}/team/p${unique()}:1`;
    const a = await pushed(app, id, { ref: first, mode: 'append' });
    expect(a.blobs.map((b) => b.state)).toEqual(a.blobs.map(() => 'uploaded'));
    const again = await pushed(app, id, { ref: first, mode: 'append' });
    expect(again.blobs.map((b) => b.state)).toEqual(a.blobs.map(() => 'exists'));
    expect(again.digest).toBe(a.digest);
    const second = `${open.host}/team/q${unique()}:1`;
    const b = await pushed(app, id, { ref: second, mode: 'append' });
    expect(b.blobs.map((x) => x.state)).toEqual(a.blobs.map(() => 'mounted'));
    expect((await skopeoInspect(open, second) as { Digest: string }).Digest).toBe(a.digest);
    expect((await osReleaseViaSkopeo(open, second)).osRelease.equals(ALPYNE)).toBe(true);
  }));

  it('an image opened from team/app pushed to team/app2 mounts its layers from team/app', () => fresh(async (app) => {
    const repo = `team/app${unique()}`;
    const source = `${open.host}/${repo}:1`;
    await skopeoCopy(open, fixture('tiny-docker-legacy'), source);
    const res = await app.inject({ method: 'POST', url: '/api/registry/open-jobs', payload: { ref: source } });
    expect(res.statusCode, res.body).toBe(202);
    let opened = res.json() as RegistryOpenJob;
    while (!FINISHED.has(opened.state)) {
      await new Promise((r) => setTimeout(r, 50));
      opened = await getJson<RegistryOpenJob>(app, `/api/registry/open-jobs/${opened.id}`);
    }
    expect(opened.state, JSON.stringify(opened.error)).toBe('done');
    const openedId = opened.image!.id;
    await draftAlpyne(app, openedId);
    const sourceLayers = (await skopeoInspect(open, source) as { Layers: string[] }).Layers;
    const dest = `${open.host}/${repo}-2:1`;
    const job = await pushed(app, openedId, { ref: dest, mode: 'append' });
    const states = Object.fromEntries(job.blobs.map((b) => [b.digest, b.state]));
    for (const l of sourceLayers) expect(states[l]).toBe('mounted');
    expect(job.blobs.filter((b) => !sourceLayers.includes(b.digest)).map((b) => b.state)).toEqual(['uploaded', 'uploaded']);
    expect(await osReleaseViaDocker(dest)).toBe(ALPYNE.toString());
  }));

  it('pushes with basic auth (credentials from the Docker config)', async () => {
    const ref = `${basic.host}/team/app:2`;
    const job = await pushed(app, id, { ref, mode: 'flatten' });
    // The credentials are used, never returned.
    expect(JSON.stringify(job)).not.toContain(basic.password!);
    expect(job.digest).toBe((await skopeoInspect(basic, ref) as { Digest: string }).Digest);
    expect((await osReleaseViaSkopeo(basic, ref)).osRelease.equals(ALPYNE)).toBe(true);
    expect(await osReleaseViaDocker(ref, ['--config', dockerConfig])).toBe(ALPYNE.toString());
  });

  it('pushes with token auth over TLS (the private CA, credentials from the Docker config)', async () => {
    const ref = `${token.host}/team/app:2`;
    const job = await pushed(app, id, { ref, mode: 'rewrite' });
    expect(job.digest).toBe((await skopeoInspect(token, ref) as { Digest: string }).Digest);
    expect((await osReleaseViaSkopeo(token, ref)).osRelease.equals(ALPYNE)).toBe(true);
  });

  it('a registry refusing the manifest fails the job with its reason; the tag is not made, Peel stores nothing', async () => {
    const proxy = await refusingProxy(open);
    try {
      await app.peel.idle();
      const before = await storeState(app, dir);
      const images = await getJson<ImageSummary[]>(app, '/api/images');
      const name = `team/refused${unique()}:1`;
      const job = await push(app, id, { ref: `${proxy.host}/${name}`, mode: 'rewrite' });
      expect(job.state).toBe('failed');
      expect(job.digest).toBeNull();
      expect(job.error?.code).toBe('REGISTRY_REGISTRY_ERROR');
      expect(job.error?.message).toMatch(/manifest.*answered 400.*MANIFEST_INVALID: manifests are refused by policy here/);
      await expect(skopeoInspect(open, `${open.host}/${name}`)).rejects.toThrow(/manifest unknown/i);
      await app.peel.idle();
      expect(await storeState(app, dir)).toEqual(before);
      expect(await getJson<ImageSummary[]>(app, '/api/images')).toEqual(images);
    } finally {
      await proxy.close();
    }
  });

  it('a cancelled push stops where it is: the job says cancelled, the tag is not made, Peel stores nothing', async () => {
    const proxy = await refusingProxy(open, true);
    try {
      await app.peel.idle();
      const before = await storeState(app, dir);
      const name = `team/cancelled${unique()}:1`;
      const res = await app.inject({ method: 'POST', url: `/api/images/${id}/export/registry`, payload: { ref: `${proxy.host}/${name}`, mode: 'flatten' } });
      expect(res.statusCode, res.body).toBe(202);
      const started = res.json() as RegistryPushJob;
      let view = started;
      // Until a blob is on its way (its upload never answered).
      while (!view.blobs.some((b) => b.state === 'sending')) {
        await new Promise((r) => setTimeout(r, 20));
        view = await getJson<RegistryPushJob>(app, `/api/registry/push-jobs/${started.id}`);
      }
      const cancelled = await app.inject({ method: 'DELETE', url: `/api/registry/push-jobs/${started.id}` });
      expect(cancelled.statusCode).toBe(200);
      const t0 = Date.now();
      while (!FINISHED.has(view.state)) {
        await new Promise((r) => setTimeout(r, 20));
        view = await getJson<RegistryPushJob>(app, `/api/registry/push-jobs/${started.id}`);
      }
      // Well before the client's 30 s idle bound: the cancel itself stopped it.
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(view.state).toBe('cancelled');
      expect(view.digest).toBeNull();
      await expect(skopeoInspect(open, `${open.host}/${name}`)).rejects.toThrow(/manifest unknown/i);
      await app.peel.idle();
      expect(await storeState(app, dir)).toEqual(before);
    } finally {
      await proxy.close();
    }
  });

  it('says clearly why a push cannot start or fails: no credentials (401), an unknown host, a digest reference', async () => {
    const bare = await tempDir();
    const anonymous = await build(bare, { registry: { env: { DOCKER_CONFIG: bare } } });
    try {
      const anonId = await ingest(anonymous, 'tiny-docker-legacy');
      const denied = await push(anonymous, anonId, { ref: `${basic.host}/team/app:3`, mode: 'append' });
      expect(denied.state).toBe('failed');
      expect(denied.error).toMatchObject({ code: 'REGISTRY_UNAUTHORIZED', message: expect.stringMatching(/needs a user name and password/) });
      // Credentials typed in for the session (the home page's sign-in) serve pushes too.
      const login = await anonymous.inject({ method: 'PUT', url: '/api/registry/logins', payload: { registry: basic.host, username: basic.username!, password: basic.password! } });
      expect(login.statusCode, login.body).toBe(204);
      const signedIn = await push(anonymous, anonId, { ref: `${basic.host}/team/app:3`, mode: 'append' });
      expect(signedIn.state, JSON.stringify(signedIn.error)).toBe('done');
      const unknown = await push(anonymous, anonId, { ref: 'no-such-host.invalid/team/app:1', mode: 'append' });
      expect(unknown.state).toBe('failed');
      expect(unknown.error).toMatchObject({ code: 'REGISTRY_UNREACHABLE', message: expect.stringMatching(/no-such-host\.invalid/) });
      const res = await anonymous.inject({ method: 'POST', url: `/api/images/${anonId}/export/registry`, payload: { ref: `${open.host}/team/app@sha256:${'a'.repeat(64)}`, mode: 'append' } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'BAD_REFERENCE' } });
    } finally {
      await anonymous.close();
      await removeDir(bare);
    }
  });
});
