/**
 * Hostile registries, played by small Node servers: each misbehaviour is refused or bounded with
 * a clear error (wrong digests, a 100 MB manifest, an endless blob, redirect loops, a 401 loop,
 * slow-loris peers, an upload Location on another host), and credentials never leave the
 * registry's origin on a redirect.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistryClient, parseReference, type RegistryClientOptions, type RegistryError } from '../src/index.js';

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const MANIFEST = Buffer.from(JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('{}'), size: 2 },
  layers: [],
}));
const BLOB = Buffer.from('the bytes of a blob\n'.repeat(50));

const servers: (http.Server | net.Server)[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const s of servers.splice(0)) {
    if (s instanceof http.Server) s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

interface Fake { host: string; requests: { method: string; url: string; authorization?: string }[] }

/** A registry played by `handler`; the TLS probe of the client (it is on loopback) gets a 400 like any HTTP server gives. */
async function fake(handler: (req: http.IncomingMessage, res: http.ServerResponse, fake: Fake) => void): Promise<Fake> {
  const state: Fake = { host: '', requests: [] };
  const server = http.createServer((req, res) => {
    state.requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
    handler(req, res, state);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

const client = (options: RegistryClientOptions = {}) => createRegistryClient(options);
const errorOf = async (p: Promise<unknown>): Promise<RegistryError> => {
  const e = await p.then(() => null, (x: unknown) => x);
  if (!e) throw new Error('expected a rejection');
  return e as RegistryError;
};
async function drain(stream: Readable): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += (chunk as Buffer).length;
  return n;
}

describe('hostile manifests', () => {
  it('refuses a manifest whose bytes do not match the Docker-Content-Digest sent with it', async () => {
    const reg = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': sha256('other bytes') });
      res.end(MANIFEST);
    });
    const e = await errorOf(client().manifest(parseReference(`${reg.host}/x:1`)));
    expect(e.code).toBe('DIGEST_MISMATCH');
    expect(e.message).toContain(sha256('other bytes'));
  });

  it('refuses a manifest asked by digest whose bytes have another digest', async () => {
    const reg = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      res.end(MANIFEST);
    });
    const asked = sha256('the manifest I want');
    const e = await errorOf(client().manifest(parseReference(`${reg.host}/x@${asked}`)));
    expect(e.code).toBe('DIGEST_MISMATCH');
    // The same bytes asked by their own digest are fine.
    expect((await client().manifest(parseReference(`${reg.host}/x@${sha256(MANIFEST)}`))).digest).toBe(sha256(MANIFEST));
  });

  it('refuses schema 1 manifests and types that are neither an image nor an index', async () => {
    const bodies: Record<string, { type: string; body: string }> = {
      '/v2/s1/manifests/1': { type: 'application/vnd.docker.distribution.manifest.v1+prettyjws', body: JSON.stringify({ schemaVersion: 1, name: 's1', fsLayers: [] }) },
      '/v2/odd/manifests/1': { type: 'application/vnd.example.thing+json', body: JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.example.thing+json' }) },
      '/v2/bad/manifests/1': { type: 'application/vnd.oci.image.manifest.v1+json', body: JSON.stringify({ schemaVersion: 2, config: { mediaType: 'x', digest: 'sha256:short', size: 1 }, layers: [] }) },
    };
    const reg = await fake((req, res) => {
      const answer = bodies[req.url!];
      if (!answer) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': answer.type }).end(answer.body);
    });
    const c = client();
    expect(await errorOf(c.manifest(parseReference(`${reg.host}/s1:1`)))).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/schema version 1/) });
    expect(await errorOf(c.manifest(parseReference(`${reg.host}/odd:1`)))).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await errorOf(c.manifest(parseReference(`${reg.host}/bad:1`)))).toMatchObject({ code: 'BAD_RESPONSE', message: expect.stringMatching(/invalid digest "sha256:short"/) });
  });

  it('stops reading a 100 MB manifest while it streams (no Content-Length)', async () => {
    let written = 0;
    let stopped = false;
    const reg = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (written < 100 * 1024 * 1024 && !stopped) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => { stopped = true; });
      pump();
    });
    const e = await errorOf(client({ limits: { maxManifestBytes: 4 * 1024 * 1024 } }).manifest(parseReference(`${reg.host}/x:1`)));
    expect(e.code).toBe('TOO_LARGE');
    await new Promise((r) => setTimeout(r, 100));
    // Refused at the bound, not after 100 MB: what the server got out is the bound plus socket buffers.
    expect(written).toBeLessThan(20 * 1024 * 1024);
  });

  it('refuses a manifest whose Content-Length says 100 MB before reading it', async () => {
    const reg = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': String(100 * 1024 * 1024) });
      res.write('{');
    });
    const e = await errorOf(client().manifest(parseReference(`${reg.host}/x:1`)));
    expect(e).toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining(String(100 * 1024 * 1024)) });
  });
});

describe('hostile blobs', () => {
  const descriptor = { digest: sha256(BLOB), size: BLOB.length };

  it('errors an endless blob at its size + 1st byte', async () => {
    let closed = false;
    const reg = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const timer = setInterval(() => res.write(Buffer.alloc(16384, 1)), 1);
      res.on('close', () => { closed = true; clearInterval(timer); });
    });
    let received = 0;
    const stream = await client().blob(parseReference(`${reg.host}/x:1`), descriptor);
    stream.on('data', (c: Buffer) => { received += c.length; });
    const e = await errorOf(drain(stream));
    expect(e.code).toBe('SIZE_MISMATCH');
    expect(received).toBeLessThanOrEqual(BLOB.length);
    // The client hung up: the server's endless response ends there.
    await expect.poll(() => closed, { timeout: 2000 }).toBe(true);
  });

  it('errors a blob of the right size but other bytes at its end, and a short one', async () => {
    const wrong = Buffer.from(BLOB);
    wrong[10] ^= 1;
    const reg = await fake((req, res) => {
      res.writeHead(200);
      res.end(req.url!.startsWith('/v2/wrong/') ? wrong : BLOB.subarray(0, 100));
    });
    expect(await errorOf(drain(await client().blob(parseReference(`${reg.host}/wrong:1`), descriptor)))).toMatchObject({ code: 'DIGEST_MISMATCH' });
    const short = await errorOf(client().blob(parseReference(`${reg.host}/short:1`), descriptor).then(drain));
    expect(short).toMatchObject({ code: 'SIZE_MISMATCH' });
  });

  it('stops a redirect loop and a redirect chain longer than maxRedirects', async () => {
    const reg = await fake((req, res) => {
      if (req.url!.includes('/loop/')) res.writeHead(307, { location: req.url!.endsWith('/a') ? '/loop/b' : '/loop/a' }).end();
      else if (req.url!.startsWith('/chain/')) res.writeHead(302, { location: `/chain/${Number(req.url!.slice(7)) + 1}` }).end();
      else res.writeHead(302, { location: '/chain/1' }).end();
    });
    const loop = await errorOf(client().blob(parseReference(`${reg.host}/loop:1`), descriptor));
    expect(loop.code).toBe('REDIRECT_LOOP');
    reg.requests.length = 0;
    const chain = await errorOf(client({ limits: { maxRedirects: 4 } }).blob(parseReference(`${reg.host}/chain:1`), descriptor));
    expect(chain.code).toBe('TOO_MANY_REDIRECTS');
    expect(reg.requests.filter((r) => r.method === 'GET')).toHaveLength(5);
  });

  it('follows a redirect to another host without the Authorization header, and keeps it on the same origin', async () => {
    const cdn = await fake((_req, res) => res.end(BLOB));
    const reg = await fake((req, res) => {
      if (!req.headers.authorization) return res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      if (req.url!.startsWith('/own/')) return res.end(BLOB);
      res.writeHead(307, { location: req.url!.includes('/same/') ? '/own/blob' : `http://${cdn.host}/blob?sig=1` }).end();
    });
    const c = client({ credentials: () => ({ username: 'alice', password: 's3cret' }) });
    expect(await drain(await c.blob(parseReference(`${reg.host}/far:1`), descriptor))).toBe(BLOB.length);
    expect(cdn.requests).toEqual([{ method: 'GET', url: '/blob?sig=1', authorization: undefined }]);
    expect(await drain(await c.blob(parseReference(`${reg.host}/same:1`), descriptor))).toBe(BLOB.length);
    expect(reg.requests.find((r) => r.url === '/own/blob')?.authorization).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
  });

  it('refuses a redirect to plain HTTP on a host not listed as insecure', async () => {
    const reg = await fake((_req, res) => res.writeHead(302, { location: 'http://cdn.example.invalid/blob' }).end());
    expect(await errorOf(client().blob(parseReference(`${reg.host}/x:1`), descriptor))).toMatchObject({ code: 'INSECURE_REFUSED' });
  });

  it('cancels a blob download on abort', async () => {
    const reg = await fake((_req, res) => {
      res.writeHead(200);
      res.write(BLOB.subarray(0, 10)); // then nothing more
    });
    const controller = new AbortController();
    const stream = await client().blob(parseReference(`${reg.host}/x:1`), descriptor, controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(await errorOf(drain(stream))).toMatchObject({ code: 'ABORTED' });
    controller.abort();
    expect(await errorOf(client().blob(parseReference(`${reg.host}/x:1`), descriptor, controller.signal))).toMatchObject({ code: 'ABORTED' });
  });
});

describe('kept-alive connections', () => {
  it('sends a request again on a fresh connection when the reused one is closed under it, once', async () => {
    const seen = new WeakMap<object, number>();
    let dropped = 0;
    const reg = await fake((req, res) => {
      const n = (seen.get(req.socket) ?? 0) + 1;
      seen.set(req.socket, n);
      // The second request on a connection finds it closed, as when the peer's keep-alive timer fires just then.
      if (n === 2) { dropped++; return req.socket.destroy(); }
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(MANIFEST);
    });
    const c = client();
    for (let i = 0; i < 3; i++) expect((await c.manifest(parseReference(`${reg.host}/x:1`))).digest).toBe(sha256(MANIFEST));
    expect(dropped).toBeGreaterThan(0);
    // A server that drops every request is not retried without end.
    const rude = await fake((req) => req.socket.destroy());
    expect(await errorOf(c.manifest(parseReference(`${rude.host}/x:1`)))).toMatchObject({ code: 'UNREACHABLE' });
    expect(rude.requests.filter((r) => r.url.startsWith('/v2/x/')).length).toBeLessThanOrEqual(2);
  });
});

describe('hostile auth', () => {
  it('stops a 401 loop after maxAuthRetries tokens', async () => {
    const reg = await fake((req, res, self) => {
      if (req.url!.startsWith('/token')) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'T' }));
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${self.host}/token",service="s",scope="repository:x:pull"` }).end();
    });
    const e = await errorOf(client({ limits: { maxAuthRetries: 3 } }).manifest(parseReference(`${reg.host}/x:1`)));
    expect(e.code).toBe('AUTH_LOOP');
    expect(e.message).toMatch(/401 Unauthorized after 3 authentications/);
    expect(reg.requests.filter((r) => r.url.startsWith('/v2/x/manifests'))).toHaveLength(4);
    expect(reg.requests.filter((r) => r.url.startsWith('/token'))).toHaveLength(3);
  });
});

describe('slow-loris registries', () => {
  it('drops a registry that sends headers then nothing (idle timeout)', async () => {
    const reg = await fake((_req, res) => { res.writeHead(200); res.write('{'); });
    const started = Date.now();
    const e = await errorOf(client({ limits: { idleTimeoutMs: 300 } }).manifest(parseReference(`${reg.host}/x:1`)));
    expect(e).toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/sent nothing for 0.3 s/) });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('drops a blob whose bytes stop coming while the consumer waits', async () => {
    const reg = await fake((_req, res) => { res.writeHead(200); res.write(BLOB.subarray(0, 10)); });
    const started = Date.now();
    const stream = await client({ limits: { idleTimeoutMs: 300 } }).blob(parseReference(`${reg.host}/x:1`), { digest: sha256(BLOB), size: BLOB.length });
    expect(await errorOf(drain(stream))).toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/sent nothing of blob .* for 0.3 s/) });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('does not drop a blob whose consumer pauses longer than the idle timeout', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 3);
    const reg = await fake((_req, res) => res.writeHead(200, { 'content-length': String(big.length) }).end(big));
    const stream = await client({ limits: { idleTimeoutMs: 200 } }).blob(parseReference(`${reg.host}/x:1`), { digest: sha256(big), size: big.length });
    await new Promise((r) => setTimeout(r, 1000)); // nobody reads: socket and stream buffers fill, the registry waits
    expect(await drain(stream)).toBe(big.length);
  });

  it('drops a manifest dripped a byte at a time (whole-response deadline)', async () => {
    const reg = await fake((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const e = await errorOf(client({ limits: { idleTimeoutMs: 300, responseTimeoutMs: 800 } }).manifest(parseReference(`${reg.host}/x:1`)));
    expect(e).toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/did not answer within 0.8 s/) });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('drops a registry that accepts the connection and never answers', async () => {
    const server = net.createServer((socket) => sockets.push(socket));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const started = Date.now();
    expect(await errorOf(client({ limits: { idleTimeoutMs: 300 } }).manifest(parseReference(`${host}/x:1`)))).toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('hostile uploads', () => {
  const descriptor = { digest: sha256(BLOB), size: BLOB.length };

  it('refuses an upload Location on another host, and sends it nothing', async () => {
    const elsewhere = await fake((_req, res) => res.writeHead(202).end());
    const reg = await fake((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(404).end();
      if (req.method === 'POST') return res.writeHead(202, { location: `http://${elsewhere.host}/v2/x/blobs/uploads/u1` }).end();
      res.writeHead(500).end();
    });
    const e = await errorOf(client().pushBlob(parseReference(`${reg.host}/x:1`), descriptor, async () => Readable.from([BLOB])));
    expect(e).toMatchObject({ code: 'HOSTILE_LOCATION', message: expect.stringContaining(elsewhere.host) });
    expect(elsewhere.requests).toEqual([]);
  });

  it('refuses a new Location on another host after a PATCH, and cancels the session on the registry', async () => {
    const elsewhere = await fake((_req, res) => res.writeHead(202).end());
    const reg = await fake((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(404).end();
      if (req.method === 'POST') return res.writeHead(202, { location: '/v2/x/blobs/uploads/u1?_state=a' }).end();
      if (req.method === 'PATCH') { req.resume(); return res.writeHead(202, { location: `http://${elsewhere.host}/v2/x/blobs/uploads/u1?_state=b`, range: '0-99' }).end(); }
      res.writeHead(204).end();
    });
    const e = await errorOf(client({ uploadChunkBytes: 100 }).pushBlob(parseReference(`${reg.host}/x:1`), descriptor, async () => Readable.from([BLOB])));
    expect(e.code).toBe('HOSTILE_LOCATION');
    expect(elsewhere.requests).toEqual([]);
    expect(reg.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'HEAD /v2/x/blobs/' + descriptor.digest,
      'POST /v2/x/blobs/uploads/',
      'PATCH /v2/x/blobs/uploads/u1?_state=a',
      'DELETE /v2/x/blobs/uploads/u1?_state=a',
    ]);
  });

  it('sends chunks in order on the latest Location, honouring OCI-Chunk-Min-Length, then PUT ?digest=', async () => {
    const body: Buffer[] = [];
    const reg = await fake((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(404).end();
      if (req.method === 'POST') return res.writeHead(202, { location: '/up/1', 'oci-chunk-min-length': '300' }).end();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        body.push(Buffer.concat(chunks));
        const held = Buffer.concat(body).length;
        if (req.method === 'PATCH') return res.writeHead(202, { location: `/up/${body.length + 1}`, range: `0-${held - 1}`, 'oci-chunk-min-length': '300' }).end();
        res.writeHead(201, { 'docker-content-digest': descriptor.digest }).end();
      });
    });
    expect(await client({ uploadChunkBytes: 100 }).pushBlob(parseReference(`${reg.host}/x:1`), descriptor, async () => Readable.from([BLOB]))).toBe('uploaded');
    expect(Buffer.concat(body).equals(BLOB)).toBe(true);
    const steps = reg.requests.filter((r) => r.method !== 'HEAD' && r.method !== 'POST').map((r) => `${r.method} ${r.url}`);
    // The first chunk is 100 bytes (POST's min length is read after it); later ones 300.
    expect(body.map((b) => b.length)).toEqual([100, 300, 300, 300, 0]);
    expect(steps).toEqual(['PATCH /up/1', 'PATCH /up/2', 'PATCH /up/3', 'PATCH /up/4', `PUT /up/5?digest=${encodeURIComponent(descriptor.digest)}`]);
  });
});

describe('tag pages', () => {
  it('follows Link rel="next" from a registry that pages', async () => {
    const all = ['a', 'b', 'c', 'd', 'e'];
    const reg = await fake((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const n = Number(url.searchParams.get('n') ?? 100);
      const last = url.searchParams.get('last');
      const rest = all.filter((t) => last === null || t > last);
      const page = rest.slice(0, n);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (rest.length > n) headers.link = `</v2/x/tags/list?n=${n}&last=${page[page.length - 1]}>; rel="next"`;
      res.writeHead(200, headers).end(JSON.stringify({ name: 'x', tags: page }));
    });
    const c = client();
    const repo = { registry: reg.host, repository: 'x' };
    const pages: string[][] = [];
    let last: string | undefined;
    for (;;) {
      const page = await c.tags(repo, { n: 2, last });
      pages.push(page.tags);
      if (!page.next) break;
      last = page.next;
    }
    expect(pages).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });
});
