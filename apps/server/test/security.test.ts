import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { build, fixture, ingest, removeDir, tempDir } from './helper.js';
import { safeContentType } from '../src/http/send-content.js';

describe('local-app security', () => {
  let dir: string;
  let app: FastifyInstance;
  let id: string;
  beforeAll(async () => {
    dir = await tempDir();
    const dist = join(dir, 'dist');
    await mkdir(join(dist, 'assets'), { recursive: true });
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Peel</title><script type="module" src="/assets/app.js"></script>');
    await writeFile(join(dist, 'assets', 'app.js'), 'console.log("peel")');
    app = await build(join(dir, 'data'), { webDist: dist });
    id = await ingest(app, 'multi-docker-legacy');
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('refuses a Host that is not ours (DNS rebinding)', async () => {
    for (const host of ['evil.example', 'evil.example:80', '127.0.0.2', 'localhost.evil.example', 'localhost@evil.example']) {
      const res = await app.inject({ url: '/api/images', headers: { host } });
      expect(res.statusCode, host).toBe(403);
      expect(res.json().error.code).toBe('BAD_HOST');
    }
    for (const host of ['localhost', '127.0.0.1', '[::1]', 'LOCALHOST']) {
      expect((await app.inject({ url: '/api/health', headers: { host } })).statusCode, host).toBe(200);
    }
  });

  it('checks the port too once listening', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const port = new URL(address).port;
      const ok = await fetch(`${address}/api/health`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ ok: true });
      expect((await app.inject({ url: '/api/health', headers: { host: `localhost:${port}` } })).statusCode).toBe(200);
      expect((await app.inject({ url: '/api/health', headers: { host: `localhost:${Number(port) + 1}` } })).statusCode).toBe(403);
    } finally {
      await new Promise((r) => app.server.close(r));
    }
  });

  it('refuses state-changing requests from another origin', async () => {
    const tar = (await import('node:fs')).readFileSync(fixture('tiny-docker-legacy'));
    for (const origin of ['http://evil.example', 'null', 'http://localhost.evil.example', 'file://']) {
      const post = await app.inject({ method: 'POST', url: '/api/images', headers: { origin, 'content-type': 'application/x-tar' }, payload: tar });
      expect(post.statusCode, origin).toBe(403);
      expect(post.json().error.code).toBe('BAD_ORIGIN');
      const del = await app.inject({ method: 'DELETE', url: `/api/images/${id}`, headers: { origin } });
      expect(del.statusCode, origin).toBe(403);
    }
    const crossSite = await app.inject({ method: 'DELETE', url: `/api/images/${id}`, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.statusCode).toBe(403);
    // Reads from anywhere are harmless without CORS headers; our own origin may write.
    expect((await app.inject({ url: `/api/images/${id}`, headers: { origin: 'http://evil.example' } })).statusCode).toBe(200);
    const own = await app.inject({ method: 'POST', url: '/api/images', headers: { origin: 'http://localhost', 'content-type': 'application/x-tar' }, payload: tar });
    expect(own.statusCode).toBe(201);
    expect((await app.inject(`/api/images/${id}`)).statusCode).toBe(200);
  });

  it('refuses even reads of the registry routes from another site (they reach other hosts)', async () => {
    const url = `/api/registry/manifest?ref=${encodeURIComponent('127.0.0.1:9/x/y:v1')}`;
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'http://evil.example' }]) {
      const res = await app.inject({ url, headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json().error.code).toBe('BAD_ORIGIN');
      expect((await app.inject({ url: '/api/registry/tags?repo=127.0.0.1:9/x/y', headers })).statusCode).toBe(403);
    }
    // Other reads stay open to any page (no CORS headers: it cannot read them).
    expect((await app.inject({ url: `/api/images/${id}`, headers: { 'sec-fetch-site': 'cross-site' } })).statusCode).toBe(200);
  });

  it('serves the UI with a strict CSP and falls back to index.html, but not for the API', async () => {
    const page = await app.inject('/images/abc/fs');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Peel</title>');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("script-src 'self' 'unsafe");
    expect((await app.inject('/assets/app.js')).body).toBe('console.log("peel")');
    const api = await app.inject('/api/nope');
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('NOT_FOUND');
    expect(api.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('never serves image bytes as something a browser would run', async () => {
    for (const name of ['index.html', 'x.htm', 'logo.svg', 'a.js', 'x.xhtml', 'noext', 'x.HTML']) {
      expect(safeContentType(name)).toBe('application/octet-stream');
    }
    expect(safeContentType('a.png')).toBe('image/png');
    const res = await app.inject(`/api/images/${id}/content?path=/usr/local/bin/docker-entrypoint.sh`);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/^sandbox;/);
    expect(res.headers['content-disposition']).toBe("inline; filename*=UTF-8''docker-entrypoint.sh");
    const dl = await app.inject(`/api/images/${id}/content?path=/etc/passwd&download=1`);
    expect(dl.headers['content-disposition']).toMatch(/^attachment/);
  });
});
