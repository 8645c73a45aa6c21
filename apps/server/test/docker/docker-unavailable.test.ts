/**
 * No engine: `GET /api/docker` says why, every other Docker route answers 503 with that reason,
 * and the rest of Peel works as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { DockerStatus } from '@peel/api';
import { build, ingest, removeDir, tempDir } from '../helper.js';

const DOCKER_ROUTES: Array<{ method: 'GET' | 'POST' | 'DELETE'; url: string; payload?: object }> = [
  { method: 'GET', url: '/api/docker/images' },
  { method: 'POST', url: '/api/docker/images/open', payload: { ref: 'alpine:latest' } },
  { method: 'POST', url: '/api/docker/runs', payload: { ref: 'alpine:latest', cmd: ['true'] } },
];

describe('without a Docker engine', () => {
  let dir: string;
  let app: FastifyInstance;
  let missing: string;
  beforeAll(async () => {
    dir = await tempDir();
    missing = `unix://${dir}/no-docker.sock`;
    app = await build(`${dir}/data`, { docker: { dockerHost: missing } });
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('GET /api/docker says it is not available, and why', async () => {
    const res = await app.inject('/api/docker');
    expect(res.statusCode).toBe(200);
    const status = res.json() as DockerStatus;
    expect(status).toMatchObject({ available: false, host: missing, version: null, apiVersion: null, runs: false });
    expect(status.reason).toBe(`cannot reach the engine at ${missing} (no socket there; set DOCKER_HOST to its socket)`);
    expect(status.runsReason).toBe(status.reason);
  });

  it('answers 503 DOCKER_UNAVAILABLE with that reason on every other Docker route', async () => {
    for (const route of DOCKER_ROUTES) {
      const res = await app.inject(route);
      expect(res.statusCode, route.url).toBe(503);
      expect(res.json().error).toEqual({ code: 'DOCKER_UNAVAILABLE', message: `Docker is not available: cannot reach the engine at ${missing} (no socket there; set DOCKER_HOST to its socket)` });
    }
  });

  it('a background open fails with the same reason; loading an export into Docker is 503 too', async () => {
    const job = await app.inject({ method: 'POST', url: '/api/docker/open-jobs', payload: { ref: 'alpine:latest' } });
    expect(job.statusCode).toBe(202);
    let view = job.json();
    for (let i = 0; i < 50 && (view.state === 'streaming' || view.state === 'indexing'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      view = (await app.inject(`/api/docker/open-jobs/${view.id}`)).json();
    }
    expect(view.state).toBe('failed');
    expect(view.error.code).toBe('DOCKER_UNAVAILABLE');
    const id = await ingest(app, 'tiny-docker-legacy');
    const load = await app.inject({ method: 'POST', url: `/api/images/${id}/export/docker?mode=flatten` });
    expect(load.statusCode).toBe(503);
    expect(load.json().error.code).toBe('DOCKER_UNAVAILABLE');
  });

  it('leaves the rest of Peel working', async () => {
    const id = await ingest(app, 'tiny-docker-legacy');
    expect((await app.inject(`/api/images/${id}`)).statusCode).toBe(200);
    expect((await app.inject(`/api/images/${id}/export?mode=flatten`)).statusCode).toBe(200);
    expect((await app.inject('/api/health')).json()).toEqual({ ok: true });
  });

  it('names what it does not speak: TLS, ssh, npipe, a relative socket', async () => {
    const cases: Array<[string, string | undefined, RegExp]> = [
      ['tcp://127.0.0.1:2376', '1', /DOCKER_TLS_VERIFY: Peel speaks plain HTTP/],
      ['ssh://me@host', undefined, /the ssh transport is not supported/],
      ['npipe:////./pipe/docker_engine', undefined, /the npipe transport is not supported/],
      ['unix://docker.sock', undefined, /must name an absolute socket path/],
    ];
    for (const [dockerHost, tlsVerify, reason] of cases) {
      const other = await build(`${dir}/data-${cases.findIndex((c) => c[0] === dockerHost)}`, { docker: { dockerHost, tlsVerify } });
      try {
        const status = (await other.inject('/api/docker')).json() as DockerStatus;
        expect(status.available, dockerHost).toBe(false);
        expect(status.reason).toMatch(reason);
        expect((await other.inject('/api/docker/images')).statusCode).toBe(503);
      } finally {
        await other.close();
      }
    }
  });

  it('reports a TCP engine that refuses the connection', async () => {
    // A port just freed by the OS: nothing listens there.
    const probe = await build(`${dir}/data-probe`);
    const address = await probe.listen({ host: '127.0.0.1', port: 0 });
    await probe.close();
    const port = new URL(address).port;
    const other = await build(`${dir}/data-tcp`, { docker: { dockerHost: `tcp://127.0.0.1:${port}` } });
    try {
      const status = (await other.inject('/api/docker')).json() as DockerStatus;
      expect(status).toMatchObject({ available: false });
      expect(status.reason).toMatch(new RegExp(`cannot reach the engine at tcp://127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED`));
    } finally {
      await other.close();
    }
  });
});
