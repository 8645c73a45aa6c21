import { connect } from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@peel/server';
import { checkBindPolicy, isLoopback } from '../../../apps/server/src/http/bind-policy.js';
import { dockerArchive } from '../src/image.js';
import { file, symlink, tar } from '../src/tar.js';
import { removeDir, tempDir } from './helpers.js';
import { startRefused, startServer, uploadStream } from './server-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends raw bytes on a fresh socket; resolves with what came back and how many parts were sent before the socket closed. */
function rawExchange(port: number, parts: Array<{ bytes: string | Buffer; delayMs?: number }>, maxMs = 10_000): Promise<{ reply: string; partsSent: number }> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    let partsSent = 0;
    const finish = () => done({ reply, partsSent });
    socket.on('data', (c) => (reply += c.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', () => undefined);
    setTimeout(() => socket.destroy(), maxMs);
    (async () => {
      for (const p of parts) {
        if (p.delayMs) await sleep(p.delayMs);
        if (socket.destroyed) return;
        socket.write(p.bytes);
        partsSent += 1;
      }
    })();
  });
}

describe('request hardening over a real socket', () => {
  let dir: string;
  let app: FastifyInstance;
  let address: string;
  let port: number;
  let imageId: string;

  beforeAll(async () => {
    dir = await tempDir();
    app = await buildApp({ dataDir: join(dir, 'data'), hardening: { maxConcurrentUploads: 2, bodyIdleMs: 800, headersTimeoutMs: 1000, timeoutCheckMs: 200 } });
    address = await app.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(address).port);
    const image = dockerArchive([tar([file('etc/os-release', 'ID=hardening\n'), symlink('passwd-link', '/etc/passwd'), symlink('up', '../../../../../../etc')])]);
    const res = await uploadStream(address, [image], { size: image.length });
    expect(res.status, res.body).toBe(201);
    imageId = JSON.parse(res.body).id;
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  const healthy = async () => expect((await fetch(`${address}/api/health`)).status).toBe(200);
  const storeClean = async () => {
    await app.peel.idle();
    expect(readdirSync(join(dir, 'data', 'blobs', 'tmp'))).toEqual([]);
  };

  it('over-long query strings: 414 with a JSON error, and past Node\'s header limit a 431', async () => {
    const res = await fetch(`${address}/api/images/${imageId}/fs?path=/${'a'.repeat(14_000)}`);
    expect(res.status).toBe(414);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('QUERY_TOO_LONG');
    const huge = await rawExchange(port, [{ bytes: `GET /api/images?q=${'x'.repeat(100_000)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n` }]);
    expect(huge.reply).toMatch(/^HTTP\/1\.1 431/);
    await healthy();
  });

  it('uploads beyond the limit are answered 429 before their body is read', async () => {
    const stalled = [1, 2].map(() => {
      let stop!: () => void;
      const gate = new Promise<void>((r) => (stop = r));
      const res = uploadStream(address, (async function* () {
        yield Buffer.alloc(512);
        await gate;
      })(), { size: 10 * 1024 * 1024 });
      return { res, stop };
    });
    await sleep(200);
    const third = await uploadStream(address, [Buffer.alloc(1024)], { size: 1024 });
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body).error.code).toBe('TOO_MANY_UPLOADS');
    // The two stalled uploads time out (408); their slots come back.
    const settled = await Promise.all(stalled.map((s) => s.res));
    for (const s of stalled) s.stop();
    expect(settled.map((s) => s.status)).toEqual([408, 408]);
    const image = dockerArchive([tar([file('again', 'x')])]);
    const after = await uploadStream(address, [image], { size: image.length });
    expect(after.status, after.body).toBe(201);
    await storeClean();
  });

  it('a body that stalls half-way fails with 408 and leaves nothing', async () => {
    const image = dockerArchive([tar([file('big.bin', Buffer.alloc(2 * 1024 * 1024, 7))])]);
    const before = readdirSync(join(dir, 'data', 'blobs', 'sha256')).sort();
    const res = await uploadStream(address, (async function* () {
      yield image.subarray(0, 1024 * 1024);
      await sleep(6000);
      yield image.subarray(1024 * 1024);
    })(), { size: image.length });
    expect(res.status).toBe(408);
    expect(JSON.parse(res.body).error.code).toBe('UPLOAD_STALLED');
    expect(res.sent, 'answered while the client was still silent').toBe(1024 * 1024);
    await storeClean();
    expect(readdirSync(join(dir, 'data', 'blobs', 'sha256')).sort()).toEqual(before);
    await healthy();
  });

  it('slow-loris headers: the connection is closed once the headers timeout passes', async () => {
    const drip = Array.from({ length: 40 }, (_, i) => ({ bytes: i === 0 ? `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` : `X-Drip-${i}: y\r\n`, delayMs: i === 0 ? 0 : 100 }));
    const loris = rawExchange(port, drip);
    await sleep(300);
    await healthy();
    const r = await loris;
    expect(r.partsSent, 'closed while the client was still dripping headers').toBeLessThan(drip.length);
    expect(r.reply).not.toMatch(/200 OK/);
  });

  it('path parameters and paths that try to escape reach nothing outside the image', async () => {
    for (const url of [
      `/api/images/..%2F..%2F..%2Fetc%2Fpasswd`,
      `/api/images/%2e%2e/fs`,
      `/api/images/${'a'.repeat(300)}`,
      `/api/images/${imageId}/content?path=/../../../../etc/passwd`,
      `/api/images/${imageId}/content?path=/passwd-link`,
      `/api/images/${imageId}/content?path=/up/passwd`,
      `/api/images/${imageId}/content?path=%2F..%2F..%2Fetc%2Fhostname`,
      `/api/images/${imageId}/layers/99999/changes`,
    ]) {
      const res = await fetch(`${address}${url}`);
      const body = await res.text();
      expect(res.status, `${url}: ${body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, url).toBeLessThan(500);
      expect(body, url).not.toMatch(/root:x:0:0/);
    }
    // A symlink that climbs resolves inside the image, as in a chroot: /up is the image's /etc.
    const up = await fetch(`${address}/api/images/${imageId}/fs?path=/up`);
    expect(up.status).toBe(200);
    expect(((await up.json()) as Array<{ path: string }>).map((e) => e.path)).toEqual(['/etc/os-release']);
    await healthy();
  });

  it('state changes from another origin, another site or a rebound name are refused', async () => {
    const del = (headers: Record<string, string>) => fetch(`${address}/api/images/${imageId}`, { method: 'DELETE', headers });
    expect((await del({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await del({ origin: `http://localhost:${port + 1}` })).status).toBe(403);
    expect((await del({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await del({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const rebound = await rawExchange(port, [{ bytes: `DELETE /api/images/${imageId} HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n` }]);
    expect(rebound.reply).toMatch(/^HTTP\/1\.1 403/);
    expect((await fetch(`${address}/api/images/${imageId}`)).status).toBe(200);
  });
});

describe('listening beyond loopback', () => {
  it('needs the switch and a token', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'peel.example', '10.0.0.1', '::ffff:10.0.0.1']) expect(isLoopback(h), h).toBe(false);
    expect(() => checkBindPolicy('127.0.0.1', { expose: false, token: null })).not.toThrow();
    expect(() => checkBindPolicy('0.0.0.0', { expose: false, token: 'x'.repeat(40) })).toThrow(/PEEL_EXPOSE=1/);
    expect(() => checkBindPolicy('0.0.0.0', { expose: true, token: null })).toThrow(/PEEL_TOKEN/);
    expect(() => checkBindPolicy('0.0.0.0', { expose: true, token: 'short' })).toThrow(/at least 24/);
    expect(() => checkBindPolicy('0.0.0.0', { expose: true, token: 'x'.repeat(24) })).not.toThrow();
  });

  it('the server refuses to start on 0.0.0.0 without them, and with them every request needs the token', async () => {
    const dir = await tempDir();
    try {
      const refused = await startRefused({ HOST: '0.0.0.0', PEEL_DATA_DIR: join(dir, 'a') });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/refusing to listen on 0\.0\.0\.0/);
      const token = 'peel-test-token-0123456789abcdef';
      const server = await startServer({ HOST: '0.0.0.0', PEEL_EXPOSE: '1', PEEL_TOKEN: token, PEEL_DATA_DIR: join(dir, 'b') });
      try {
        const base = server.address.replace('0.0.0.0', '127.0.0.1');
        expect((await fetch(`${base}/api/health`)).status).toBe(200);
        const anon = await fetch(`${base}/api/images`);
        expect(anon.status).toBe(401);
        expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('TOKEN_REQUIRED');
        expect((await fetch(`${base}/api/images`, { headers: { authorization: 'Bearer wrong-token-wrong-token-xx' } })).status).toBe(401);
        expect((await fetch(`${base}/api/images`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
        const link = await fetch(`${base}/images?token=${token}&x=1`, { redirect: 'manual' });
        expect(link.status).toBe(303);
        expect(link.headers.get('location')).toBe('/images?x=1');
        const cookie = link.headers.get('set-cookie')!;
        expect(cookie).toMatch(/HttpOnly/);
        expect(cookie).toMatch(/SameSite=Strict/);
        expect((await fetch(`${base}/api/images`, { headers: { cookie: cookie.split(';')[0] } })).status).toBe(200);
      } finally {
        await server.stop();
      }
    } finally {
      await removeDir(dir);
    }
  });
});
