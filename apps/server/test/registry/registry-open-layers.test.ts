import { execFile } from 'node:child_process';
import { request, createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { encodePathParam, type FsEntry, type FsPage, type ImageSummary, type RegistryOpenJob } from '@peel/api';
import { build, fixture, getJson, removeDir, tempDir } from '../helper.js';
import { skopeoCopy, skopeoFlags, skopeoInspect, startRegistry, type TestRegistry } from './registry-server.js';

const run = promisify(execFile);
const FINISHED = new Set(['done', 'failed', 'cancelled']);

/**
 * An HTTP proxy in front of the registry that holds back the second half of one blob until
 * `release()`: an open whose last layer is still coming, for as long as the test needs.
 */
async function gatedProxy(target: string, heldDigest: string): Promise<{ host: string; release: () => void; close: () => Promise<void> }> {
  const [hostname, port] = target.split(':');
  let release = () => {};
  const released = new Promise<void>((r) => (release = r));
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const up = request({ hostname, port: Number(port), path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (req.method !== 'GET' || !(req.url ?? '').endsWith(`/blobs/${heldDigest}`)) return void answer.pipe(res);
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        res.write(body.subarray(0, body.length >> 1));
        void released.then(() => res.end(body.subarray(body.length >> 1)));
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    release,
    close: async () => {
      release();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

async function openJob(app: FastifyInstance, ref: string): Promise<RegistryOpenJob> {
  const res = await app.inject({ method: 'POST', url: '/api/registry/open-jobs', payload: { ref } });
  expect(res.statusCode, res.body).toBe(202);
  return res.json() as RegistryOpenJob;
}

/** The job once `ok` says so or it has finished; a job still short of it after a minute fails the test. */
async function until(app: FastifyInstance, id: string, ok: (job: RegistryOpenJob) => boolean): Promise<RegistryOpenJob> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = await getJson<RegistryOpenJob>(app, `/api/registry/open-jobs/${id}`);
    if (ok(job) || FINISHED.has(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`the open job never got there: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every entry of a layer's tree as a listing route gives it (whole folders), one line each. */
async function walkLayer(app: FastifyInstance, base: string, query = ''): Promise<string[]> {
  const out: string[] = [];
  const dirs = ['/'];
  while (dirs.length) {
    const dir = dirs.pop()!;
    for (const e of await getJson<FsEntry[]>(app, `${base}?path=${encodePathParam(dir)}${query}`)) {
      out.push(line(e.path, e.type, e.mode & 0o7777, `${e.uid}/${e.gid}`, e.type === 'file' ? e.size : 0, e.linkTarget ?? ''));
      if (e.type === 'dir') dirs.push(e.path);
    }
  }
  return out.sort();
}

const line = (...parts: Array<string | number>) => parts.join('\t');

/** `rwxr-sr-t` → 0o2755 (setuid, setgid and sticky included). */
function modeOf(text: string): number {
  let mode = 0;
  for (let i = 0; i < 9; i++) if (!'-ST'.includes(text[i])) mode |= 1 << (8 - i);
  if ('sS'.includes(text[2])) mode |= 0o4000;
  if ('sS'.includes(text[5])) mode |= 0o2000;
  if ('tT'.includes(text[8])) mode |= 0o1000;
  return mode;
}

const TYPES: Record<string, string> = { '-': 'file', d: 'dir', l: 'symlink', h: 'hardlink' };

/** GNU tar's listing of a layer blob (`tar -tv --numeric-owner`), in the walk's line format. */
async function tarListing(blob: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tv', '--numeric-owner', '-f', blob], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trimEnd().split('\n').map((text) => {
    const m = /^(.)(\S{9}) (\d+)\/(\d+)\s+(\d+) \S+ \S+ (.*)$/.exec(text);
    if (!m) throw new Error(`tar said ${text}`);
    const [, kind, perms, uid, gid, size, rest] = m;
    const type = TYPES[kind];
    const [name, target] = type === 'symlink' ? rest.split(' -> ') : type === 'hardlink' ? rest.split(' link to ') : [rest, ''];
    const path = `/${name.replace(/^\.\//, '').replace(/\/$/, '')}`;
    return line(path, type, modeOf(perms), `${uid}/${gid}`, type === 'file' ? Number(size) : 0, type === 'hardlink' ? `/${target}` : target);
  }).sort();
}

describe('browsing a layer of an open from a registry while the rest of the image comes in', () => {
  let dir: string;
  let registry: TestRegistry;
  let ref: string;
  let layers: Array<{ digest: string }>;
  let blobs: string;
  beforeAll(async () => {
    dir = await tempDir();
    registry = await startRegistry('server-open-layers');
    ref = `${registry.host}/layers/app:v1`;
    await skopeoCopy(registry, fixture('multi-docker-legacy'), ref);
    layers = ((await skopeoInspect(registry, ref, '--raw')) as { layers: Array<{ digest: string }> }).layers;
    // The layer blobs as the registry serves them, fetched by skopeo: GNU tar's input.
    blobs = join(dir, 'blobs');
    await run('skopeo', ['copy', '--quiet', ...skopeoFlags(registry, 'src-'), `docker://${ref}`, `dir:${blobs}`]);
  });
  afterAll(async () => {
    await registry?.stop();
    await removeDir(dir);
  });

  it("lists layer 0 as GNU tar lists its blob before the last layer has arrived; the image stays invisible until done", async () => {
    expect(layers.length).toBeGreaterThan(2);
    // The id the image will have: the same open, to the end, in a Peel of its own (by digest:
    // the image then carries no name, so the proxy's address is not part of it).
    const byDigest = `${registry.host}/layers/app@${((await skopeoInspect(registry, ref)) as { Digest: string }).Digest}`;
    const other = await build(join(dir, 'other'));
    let id: string;
    try {
      const job = await openJob(other, byDigest);
      id = (await until(other, job.id, () => false)).image!.id;
    } finally {
      await other.close();
    }

    const app = await build(join(dir, 'app'));
    const last = layers[layers.length - 1].digest;
    const proxy = await gatedProxy(registry.host, last);
    try {
      const started = await openJob(app, byDigest.replace(registry.host, proxy.host));
      const view = await until(app, started.id, (j) => j.layers[0]?.indexed && j.layers.at(-1)!.loaded > 0);
      expect(view.state).toBe('fetching');
      expect(view.layers.at(-1)).toMatchObject({ state: 'fetching', indexed: false, diffId: null });
      expect(view.layers[0].diffId).toMatch(/^sha256:[0-9a-f]{64}$/);

      const base = `/api/registry/open-jobs/${started.id}/layers/0/fs`;
      const listed = await walkLayer(app, base);
      expect(listed).toEqual(await tarListing(join(blobs, layers[0].digest.slice(7))));
      expect(listed.length).toBeGreaterThan(10);
      // Paged, as an image's layer listing pages.
      const page = await getJson<FsPage>(app, `${base}?path=/&paged=1&limit=2`);
      expect(page.items).toHaveLength(2);
      expect(page.total).toBe(listed.filter((l) => l.split('\t')[0].lastIndexOf('/') === 0).length);
      expect(page.next).not.toBeNull();

      // The last layer is not indexed yet; a layer the image does not have is not there.
      const early = await app.inject(`/api/registry/open-jobs/${started.id}/layers/${layers.length - 1}/fs?path=/`);
      expect(early.statusCode).toBe(409);
      expect(early.json().error.code).toBe('LAYER_NOT_INDEXED');
      expect((await app.inject(`/api/registry/open-jobs/${started.id}/layers/${layers.length}/fs`)).statusCode).toBe(404);
      // Nowhere else is the pending image seen.
      expect(await getJson<ImageSummary[]>(app, '/api/images')).toEqual([]);
      expect((await app.inject(`/api/images/${id}`)).statusCode).toBe(404);
      expect((await app.inject(`/api/images/${id}/fs?path=/&layer=0`)).statusCode).toBe(404);
      expect((await getJson<RegistryOpenJob>(app, `/api/registry/open-jobs/${started.id}`)).state).toBe('fetching');

      proxy.release();
      const done = await until(app, started.id, () => false);
      expect(done.state, JSON.stringify(done.error)).toBe('done');
      expect(done.image!.id).toBe(id);
      expect(done.layers.every((l) => l.indexed)).toBe(true);
      // The same answers as the stored image's own layer listing.
      expect(await walkLayer(app, `/api/images/${id}/fs`, '&layer=0')).toEqual(listed);
      expect(await walkLayer(app, base)).toEqual(listed);
    } finally {
      await proxy.close();
      await app.close();
    }
  });

  it('answers 409 for a layer of a cancelled open: nothing of it is kept', async () => {
    const app = await build(join(dir, 'cancel'));
    const proxy = await gatedProxy(registry.host, layers[layers.length - 1].digest);
    try {
      const started = await openJob(app, ref.replace(registry.host, proxy.host));
      await until(app, started.id, (j) => j.layers[0]?.indexed);
      const base = `/api/registry/open-jobs/${started.id}/layers/0/fs?path=/`;
      expect((await app.inject(base)).statusCode).toBe(200);
      expect((await app.inject({ method: 'DELETE', url: `/api/registry/open-jobs/${started.id}` })).statusCode).toBe(200);
      const gone = await app.inject(base);
      expect(gone.statusCode).toBe(409);
      expect(gone.json().error.code).toBe('OPEN_ENDED');
      expect((await app.inject('/api/registry/open-jobs/00000000-0000-0000-0000-000000000000/layers/0/fs')).statusCode).toBe(404);
    } finally {
      await proxy.close();
      await app.close();
    }
  });
});
