/**
 * The Docker loop against a real engine: `docker load` a fixture, Peel lists and opens it (the
 * same filesystem as uploading the archive), edits /etc/os-release to the ALPYNE text, loads the
 * flatten export back into Docker and runs it, without and with a TTY.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { DockerImage, DockerImageLookup, DockerOpenJob, DockerRun, DockerStatus, FsEntry, ImageSummary } from '@peel/api';
import { build, fixture, FIXTURES, removeDir, tempDir } from '../helper.js';
import { dockerCli, eventually, startDockerd, uniqueRepo } from './engine.js';
import { openTerminal } from './terminal-client.js';

const ALPYNE = readFileSync(join(FIXTURES, 'tiny-alpyne-expected.txt'), 'utf8');

/** The merged tree through the API: every entry's path, type, mode, owner, size, link, digest. */
async function walk(base: string, id: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string) => {
    for (const e of (await (await fetch(`${base}/api/images/${id}/fs?path=${encodeURIComponent(dir)}`)).json()) as FsEntry[]) {
      out.push([e.path, e.type, e.mode.toString(8), `${e.uid}/${e.gid}`, e.size, e.linkTarget ?? '', e.digest ?? ''].join('\t'));
      if (e.type === 'dir') await visit(e.path);
    }
  };
  await visit('/');
  return out;
}

describe('Docker integration against a real engine', () => {
  let host: string;
  let dir: string;
  let app: FastifyInstance;
  let base: string;
  const repo = uniqueRepo('tiny');
  const alpyne = `${uniqueRepo('alpyne')}:latest`;
  let untagged = '';

  const json = async <T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await app.inject({ method: method as 'GET', url, headers: { host: new URL(base).host }, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.json() as T };
  };
  const runUntilDone = (id: string) =>
    eventually(async () => {
      const run = (await json<DockerRun>('GET', `/api/docker/runs/${id}`)).body;
      return run.state === 'created' || run.state === 'running' ? undefined : run;
    }, 30_000, `run ${id} to end`);

  beforeAll(async () => {
    host = await startDockerd();
    // What a person does by hand: docker load the archive (then our own names for it).
    expect(await dockerCli(host, ['load', '-i', fixture('tiny-docker-legacy')])).toContain('Loaded image: fixtures/tiny:latest');
    await dockerCli(host, ['tag', 'fixtures/tiny:latest', `${repo}:v1`]);
    await dockerCli(host, ['tag', 'fixtures/tiny:latest', `${repo}:v2`]);
    // An untagged image: a commit of a container, never named.
    const cid = (await dockerCli(host, ['create', '--network', 'none', `${repo}:v1`, 'true'])).trim();
    untagged = (await dockerCli(host, ['commit', cid])).trim();
    await dockerCli(host, ['rm', cid]);
    dir = await tempDir();
    app = await build(dir, { docker: { dockerHost: host }, host: '127.0.0.1' });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    // Also proves no refused or finished terminal left a socket open: close waits for them.
    await app?.close();
    await dockerCli(host, ['rmi', `${repo}:v1`, `${repo}:v2`, alpyne, untagged]).catch(() => '');
    await removeDir(dir);
  });

  it('says the engine is there, with its version, and that runs are on', async () => {
    const { status, body } = await json<DockerStatus>('GET', '/api/docker');
    expect(status).toBe(200);
    expect(body).toMatchObject({ available: true, host, reason: null, runs: true });
    expect(body.version).toMatch(/^\d+\.\d+/);
    expect(body.apiVersion).toMatch(/^1\.\d+$/);
    expect(body.version).toBe((await dockerCli(host, ['version', '--format', '{{.Server.Version}}'])).trim());
  });

  it('lists the loaded image once, with both tags, and the untagged one by id', async () => {
    const { body } = await json<DockerImage[]>('GET', '/api/docker/images');
    const id = (await dockerCli(host, ['image', 'inspect', '--format', '{{.Id}}', `${repo}:v1`])).trim();
    const mine = body.find((i) => i.id === id);
    expect(mine?.tags).toEqual(expect.arrayContaining([`${repo}:v1`, `${repo}:v2`]));
    expect(mine?.size).toBe(Number((await dockerCli(host, ['image', 'inspect', '--format', '{{.Size}}', id])).trim()));
    expect(Number.isNaN(Date.parse(mine!.created))).toBe(false);
    const bare = body.find((i) => i.id === untagged);
    expect(bare).toMatchObject({ tags: [], ref: untagged });
  });

  it('says whether a name is taken in the engine, and by which image', async () => {
    const id = (await dockerCli(host, ['image', 'inspect', '--format', '{{.Id}}', `${repo}:v2`])).trim();
    const taken = await json<DockerImageLookup>('GET', `/api/docker/images/lookup?ref=${encodeURIComponent(`${repo}:v2`)}`);
    expect(taken.status).toBe(200);
    expect(taken.body.ref).toBe(`${repo}:v2`);
    expect(taken.body.image?.id).toBe(id);
    expect(taken.body.image?.tags).toEqual(expect.arrayContaining([`${repo}:v1`, `${repo}:v2`]));
    // The engine's own reading of a name: docker.io/ and library/ are implied.
    expect((await json<DockerImageLookup>('GET', `/api/docker/images/lookup?ref=${encodeURIComponent(`docker.io/${repo}:v1`)}`)).body.image?.id).toBe(id);
    const free = await json<DockerImageLookup>('GET', `/api/docker/images/lookup?ref=${encodeURIComponent(`${repo}:never-made`)}`);
    expect(free).toEqual({ status: 200, body: { ref: `${repo}:never-made`, image: null } });
    expect((await json('GET', '/api/docker/images/lookup?ref=a%20b')).status).toBe(400);
  });

  it('opens it by tag: the same filesystem, layers and config as uploading the archive', async () => {
    const opened = await json<ImageSummary>('POST', '/api/docker/images/open', { ref: `${repo}:v1` });
    expect([200, 201]).toContain(opened.status);
    expect(opened.body.tags).toEqual([`${repo}:v1`]);
    const res = await app.inject({
      method: 'POST', url: '/api/images?name=tiny.tar', headers: { host: new URL(base).host, 'content-type': 'application/x-tar' }, payload: createReadStream(fixture('tiny-docker-legacy')),
    });
    const uploaded = res.json() as ImageSummary;
    type Detail = { configDigest: string; layers: Array<{ diffId: string }> };
    const a = (await json<Detail>('GET', `/api/images/${opened.body.id}`)).body;
    const b = (await json<Detail>('GET', `/api/images/${uploaded.id}`)).body;
    expect(a.configDigest).toBe(b.configDigest);
    expect(a.layers.map((l) => l.diffId)).toEqual(b.layers.map((l) => l.diffId));
    const fromDocker = await walk(base, opened.body.id);
    expect(fromDocker.length).toBe(opened.body.fileCount);
    expect(fromDocker).toEqual(await walk(base, uploaded.id));
  });

  it('opens a multi-tag image by id in the background, reporting bytes until done', async () => {
    const id = (await dockerCli(host, ['image', 'inspect', '--format', '{{.Id}}', `${repo}:v1`])).trim();
    const started = await json<DockerOpenJob>('POST', '/api/docker/open-jobs', { ref: id });
    expect(started.status).toBe(202);
    expect(started.body.state).toMatch(/streaming|indexing/);
    const job = await eventually(async () => {
      const j = (await json<DockerOpenJob>('GET', `/api/docker/open-jobs/${started.body.id}`)).body;
      return j.state === 'done' || j.state === 'failed' ? j : undefined;
    }, 30_000, 'the open job');
    expect(job.error).toBeNull();
    expect(job.state).toBe('done');
    expect(job.total).toBe(Number((await dockerCli(host, ['image', 'inspect', '--format', '{{.Size}}', id])).trim()));
    // The whole `docker save` stream went through the counter: at least the layer and the config.
    expect(job.loaded).toBeGreaterThan(job.total!);
    // Every tag the engine has for it (other suites may name the same image too).
    const tags = JSON.parse(await dockerCli(host, ['image', 'inspect', '--format', '{{json .RepoTags}}', id])) as string[];
    expect(tags).toEqual(expect.arrayContaining([`${repo}:v1`, `${repo}:v2`]));
    expect(job.image?.tags.sort()).toEqual(tags.sort());
  });

  it('opens an untagged image by id', async () => {
    const opened = await json<ImageSummary>('POST', '/api/docker/images/open', { ref: untagged });
    expect(opened.status).toBe(201);
    expect(opened.body.tags).toEqual([]);
    expect(opened.body.name).toBe(untagged.replace('sha256:', '').slice(0, 12));
  });

  it('answers 404 with the engine\'s message for an image it does not have', async () => {
    const res = await json<{ error: { code: string; message: string } }>('POST', '/api/docker/images/open', { ref: 'peel-test/none-such:latest' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('DOCKER_NOT_FOUND');
    expect(res.body.error.message).toMatch(/none-such/);
  });

  describe('edited to ALPYNE, loaded back, run', () => {
    let loaded = '';

    beforeAll(async () => {
      const opened = await json<ImageSummary>('POST', '/api/docker/images/open', { ref: `${repo}:v1` });
      const put = await app.inject({
        method: 'PUT',
        headers: { host: new URL(base).host, 'content-type': 'application/octet-stream' },
        url: `/api/images/${opened.body.id}/draft/content?path=/etc/os-release`,
        payload: ALPYNE,
      });
      expect(put.statusCode, put.body).toBe(200);
      const res = await app.inject({ method: 'POST', url: `/api/images/${opened.body.id}/export/docker?mode=flatten&tag=${encodeURIComponent(alpyne)}`, headers: { host: new URL(base).host } });
      expect(res.statusCode, res.body).toBe(200);
      loaded = (res.json() as { loaded: string }).loaded;
    });

    it('loads the flatten export into Docker under the tag asked for', async () => {
      expect(loaded).toBe(alpyne);
      const layers = JSON.parse(await dockerCli(host, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', alpyne])) as string[];
      expect(layers).toHaveLength(1);
    });

    it('runs `cat /etc/os-release` without a TTY: the ALPYNE text, exit 0, confined, removed', async () => {
      const created = await json<DockerRun>('POST', '/api/docker/runs', { ref: loaded, cmd: ['cat', '/etc/os-release'] });
      expect(created.status).toBe(201);
      expect(created.body.limits).toEqual({ memoryBytes: 512 * 1024 * 1024, pids: 256, seconds: 300 });
      const run = await runUntilDone(created.body.id);
      expect(run).toMatchObject({ state: 'exited', exitCode: 0, output: ALPYNE, stdout: ALPYNE, stderr: '', error: null });
      await eventually(async () => ((await dockerCli(host, ['ps', '-aq', '--filter', `label=dev.peel.run=${run.id}`])).trim() === '' ? true : undefined), 10_000, 'removal');
    });

    it('holds a run to --network none, no mounts, no privileges, memory and pids limits', async () => {
      const created = await json<DockerRun>('POST', '/api/docker/runs', { ref: loaded, cmd: ['sleep', '30'], env: ['PEEL_TEST=1'] });
      const cid = created.body.containerId;
      const hc = JSON.parse(await dockerCli(host, ['inspect', '--format', '{{json .HostConfig}}', cid])) as Record<string, unknown>;
      expect(hc).toMatchObject({ NetworkMode: 'none', AutoRemove: true, Privileged: false, Memory: 512 * 1024 * 1024, MemorySwap: 512 * 1024 * 1024, PidsLimit: 256, SecurityOpt: ['no-new-privileges'] });
      expect(hc.Binds ?? []).toEqual([]);
      expect(JSON.parse(await dockerCli(host, ['inspect', '--format', '{{json .Mounts}}', cid]))).toEqual([]);
      expect(await dockerCli(host, ['inspect', '--format', '{{json .Config.Env}}', cid])).toContain('PEEL_TEST=1');
      // DELETE stops it, and the engine removes it.
      const stopped = await json<DockerRun>('DELETE', `/api/docker/runs/${created.body.id}`);
      expect(stopped.body).toMatchObject({ state: 'stopped', error: 'stopped by a person' });
      await eventually(async () => ((await dockerCli(host, ['ps', '-aq', '--filter', `id=${cid}`])).trim() === '' ? true : undefined), 10_000, 'removal');
    });

    it('runs `/bin/sh -l` on a TTY: types `cat /etc/os-release` into the websocket and reads ALPYNE back', async () => {
      const created = await json<DockerRun>('POST', '/api/docker/runs', { ref: loaded, cmd: ['/bin/sh', '-l'], tty: true });
      expect(created.body).toMatchObject({ state: 'created', tty: true });
      const term = await openTerminal(base, created.body.id, { cols: 100, rows: 30 });
      term.type('cat /etc/os-release\n');
      await term.waitFor('PRETTY_NAME="ALPYNE Linux v0"');
      // A TTY turns \n into \r\n; the file's lines come back whole.
      for (const line of ALPYNE.trim().split('\n')) expect(term.text()).toContain(`${line}\r\n`);
      term.type('stty size\n');
      await term.waitFor('30 100');
      expect((await json<DockerRun>('GET', `/api/docker/runs/${created.body.id}`)).body.state).toBe('running');
      // Closing the terminal stops (and removes) the container.
      await term.close();
      const run = await runUntilDone(created.body.id);
      expect(run).toMatchObject({ state: 'stopped', error: 'the terminal was closed' });
      await eventually(async () => ((await dockerCli(host, ['ps', '-aq', '--filter', `id=${run.containerId}`])).trim() === '' ? true : undefined), 10_000, 'removal');
    });

    it('tells the terminal the exit code when the shell exits, then closes it', async () => {
      const created = await json<DockerRun>('POST', '/api/docker/runs', { ref: loaded, cmd: ['/bin/sh'], tty: true });
      const term = await openTerminal(base, created.body.id);
      term.type('exit 7\n');
      expect(await term.closed).toMatchObject({ code: 1000, exit: { type: 'exit', exitCode: 7, state: 'exited' } });
      expect((await json<DockerRun>('GET', `/api/docker/runs/${created.body.id}`)).body).toMatchObject({ state: 'exited', exitCode: 7 });
      // One terminal per run: it cannot be attached again.
      await expect(openTerminal(base, created.body.id)).rejects.toThrow(/409/);
    });

    it('refuses a terminal from another origin, without an Origin, or for a foreign Host', async () => {
      const created = await json<DockerRun>('POST', '/api/docker/runs', { ref: loaded, cmd: ['/bin/sh'], tty: true });
      const port = new URL(base).port;
      await expect(openTerminal(base, created.body.id, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
      await expect(openTerminal(base, created.body.id, { origin: null })).rejects.toThrow(/403/);
      await expect(openTerminal(base, created.body.id, { origin: `http://127.0.0.1:${Number(port) + 1}` })).rejects.toThrow(/403/);
      await expect(openTerminal(base, created.body.id, { host: 'evil.example', origin: 'http://evil.example' })).rejects.toThrow(/403/);
      // None of them started it; a DELETE removes the waiting container.
      expect((await json<DockerRun>('GET', `/api/docker/runs/${created.body.id}`)).body.state).toBe('created');
      expect((await json<DockerRun>('DELETE', `/api/docker/runs/${created.body.id}`)).body.state).toBe('stopped');
      await eventually(async () => ((await dockerCli(host, ['ps', '-aq', '--filter', `id=${created.body.containerId}`])).trim() === '' ? true : undefined), 10_000, 'removal');
    });
  });
});

describe('run confinement settings', () => {
  let host: string;
  const dirs: string[] = [];
  const repo = uniqueRepo('limits');
  beforeAll(async () => {
    host = await startDockerd();
    await dockerCli(host, ['load', '-i', fixture('tiny-docker-legacy')]);
    await dockerCli(host, ['tag', 'fixtures/tiny:latest', `${repo}:v1`]);
  });
  afterAll(async () => {
    await dockerCli(host, ['rmi', `${repo}:v1`]).catch(() => '');
    for (const d of dirs) await removeDir(d);
  });
  const app = async (opts: Parameters<typeof build>[1]) => {
    const d = await tempDir();
    dirs.push(d);
    return build(d, opts);
  };

  it('stops a run at the wall-clock limit', async () => {
    const a = await app({ docker: { dockerHost: host, limits: { seconds: 2 } } });
    try {
      const created = (await a.inject({ method: 'POST', url: '/api/docker/runs', payload: { ref: `${repo}:v1`, cmd: ['sleep', '60'] } })).json() as DockerRun;
      expect(created.limits.seconds).toBe(2);
      const t0 = Date.now();
      const run = await eventually(async () => {
        const r = (await a.inject(`/api/docker/runs/${created.id}`)).json() as DockerRun;
        return r.state === 'running' ? undefined : r;
      }, 20_000, 'the limit');
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(run).toMatchObject({ state: 'stopped', error: 'stopped after 2 s (the wall-clock limit)' });
    } finally {
      await a.close();
    }
  });

  it('refuses runs on a server exposed beyond loopback, unless switched on (and the access token still applies)', async () => {
    const token = 'peel-docker-test-token-0123456789';
    const auth = { authorization: `Bearer ${token}` };
    const exposed = { expose: true, token };
    const payload = { ref: `${repo}:v1`, cmd: ['echo', 'hi'] };
    const off = await app({ docker: { dockerHost: host }, host: '0.0.0.0', hardening: exposed });
    try {
      const status = (await off.inject({ url: '/api/docker', headers: auth })).json() as DockerStatus;
      expect(status).toMatchObject({ available: true, runs: false });
      expect(status.runsReason).toMatch(/0\.0\.0\.0, beyond loopback.*PEEL_DOCKER_RUNS=1/);
      const res = await off.inject({ method: 'POST', url: '/api/docker/runs', payload, headers: auth });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('DOCKER_RUNS_DISABLED');
      // Listing and opening stay on: they run nothing.
      expect((await off.inject({ url: '/api/docker/images', headers: auth })).statusCode).toBe(200);
    } finally {
      await off.close();
    }
    const on = await app({ docker: { dockerHost: host, allowRuns: true }, host: '0.0.0.0', hardening: exposed });
    try {
      expect((await on.inject({ method: 'POST', url: '/api/docker/runs', payload })).statusCode).toBe(401);
      const ok = await on.inject({ method: 'POST', url: '/api/docker/runs', payload, headers: auth });
      expect(ok.statusCode).toBe(201);
      const run = await eventually(async () => {
        const r = (await on.inject({ url: `/api/docker/runs/${(ok.json() as DockerRun).id}`, headers: auth })).json() as DockerRun;
        return r.state === 'running' ? undefined : r;
      });
      expect(run).toMatchObject({ state: 'exited', exitCode: 0, output: 'hi\n' });
    } finally {
      await on.close();
    }
  });

  it('stops its containers when the server closes', async () => {
    const a = await app({ docker: { dockerHost: host } });
    const created = (await a.inject({ method: 'POST', url: '/api/docker/runs', payload: { ref: `${repo}:v1`, cmd: ['sleep', '60'] } })).json() as DockerRun;
    expect((await dockerCli(host, ['ps', '-q', '--filter', `id=${created.containerId}`])).trim()).not.toBe('');
    await a.close();
    await eventually(async () => ((await dockerCli(host, ['ps', '-aq', '--filter', `id=${created.containerId}`])).trim() === '' ? true : undefined), 15_000, 'removal');
  });
});
