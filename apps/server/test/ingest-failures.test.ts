import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ImageDetail, ImageSummary } from '@peel/api';
import { build, fixture, getJson, ingest, removeDir, storeState, tempDir, upload, uploadBytes } from './helper.js';
import { tarEntries } from './tar-walk.js';

const legacyBytes = () => readFileSync(fixture('multi-docker-legacy'));

/** multi-docker-legacy with one byte flipped inside the 2 MiB layer: its diff_id no longer matches. */
function corruptLayer(): Buffer {
  const buf = legacyBytes();
  const layer = tarEntries(buf).filter((e) => e.name.endsWith('/layer.tar')).sort((a, b) => b.size - a.size)[0];
  buf[layer.dataOffset + Math.floor(layer.size / 2)] ^= 0xff;
  return buf;
}

/** multi-oci with one byte flipped inside a gzip blob: its content no longer hashes to its name. */
function corruptOciBlob(): Buffer {
  const buf = readFileSync(fixture('multi-oci'));
  const blob = tarEntries(buf).filter((e) => e.name.startsWith('blobs/sha256/')).sort((a, b) => b.size - a.size)[0];
  buf[blob.dataOffset + 100] ^= 0x01;
  return buf;
}

describe('failed, refused and cancelled uploads leave nothing behind', () => {
  let dir: string;
  let app: FastifyInstance;
  let tiny: string;
  let baseline: Awaited<ReturnType<typeof storeState>>;

  beforeAll(async () => {
    dir = await tempDir();
    app = await build(dir);
    tiny = await ingest(app, 'tiny-docker-legacy');
    baseline = await storeState(app, dir);
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  async function expectUntouched(): Promise<void> {
    expect(await storeState(app, dir)).toEqual(baseline);
    // The image that was there keeps working.
    const list = await getJson<ImageSummary[]>(app, '/api/images');
    expect(list.map((i) => i.id)).toEqual([tiny]);
    expect((await app.inject(`/api/images/${tiny}/content?path=/etc/os-release`)).body).toContain('Tiny Linux');
  }

  it('a truncated archive', async () => {
    const bytes = legacyBytes();
    const res = await uploadBytes(app, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('TRUNCATED');
    // Plain words first, the parser's own account kept beside them.
    expect(res.json().error.message).toMatch(/^the archive is truncated: it ends at 2\.58 MB, inside layer [0-9a-f]{12}…\/layer\.tar \(.*\); re-run `docker save`/);
    expect(res.json().error.detail).toMatch(/^archive ends inside "[0-9a-f]{64}\/layer\.tar" at byte \d+$/);
    await expectUntouched();
  });

  it('a short text file: not a tar archive, 400, the technical account in detail', async () => {
    const res = await uploadBytes(app, Buffer.from('just some text, not a tar!\n'));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toEqual({
      code: 'NOT_A_TAR',
      message: 'this is not a tar archive: Peel opens the .tar (or .tar.gz) that `docker save` or an OCI export writes',
      detail: 'archive ends inside a header block at offset 0 at byte 27',
    });
    await expectUntouched();
  });

  it('cut anywhere or with any byte flipped: always a 4xx, never a 5xx, never a leftover', async () => {
    for (const name of ['multi-oci', 'tiny-multiarch-oci']) {
      const bytes = readFileSync(fixture(name));
      for (let i = 1; i <= 12; i++) {
        const at = Math.floor((bytes.length * i) / 13);
        const cut = await uploadBytes(app, bytes.subarray(0, at));
        expect(cut.statusCode, `${name} cut at ${at}: ${cut.body}`).toBeGreaterThanOrEqual(400);
        expect(cut.statusCode, `${name} cut at ${at}: ${cut.body}`).toBeLessThan(500);
        const flipped = Buffer.from(bytes);
        flipped[at] ^= 0x5a;
        const res = await uploadBytes(app, flipped);
        // A flip in tar padding changes nothing that matters; anything else must be refused.
        expect([200, 201, 400, 413, 415], `${name} flip at ${at}: ${res.body}`).toContain(res.statusCode);
        if (res.statusCode < 300) {
          expect((await app.inject({ method: 'DELETE', url: `/api/images/${res.json().id}` })).statusCode).toBe(204);
        }
      }
    }
    await expectUntouched();
  });

  it('a layer whose bytes do not match its diff_id', async () => {
    const res = await uploadBytes(app, corruptLayer());
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('DIFF_ID_MISMATCH');
    await expectUntouched();
  });

  it('an OCI blob whose bytes do not match its digest', async () => {
    const res = await uploadBytes(app, corruptOciBlob());
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(['DIGEST_MISMATCH', 'DECOMPRESSION_FAILED']).toContain(res.json().error.code);
    await expectUntouched();
  });

  it('bytes that are not an archive, and a body that is not bytes', async () => {
    const junk = await uploadBytes(app, Buffer.from('this is not a tar file, not even close'.repeat(100)));
    expect(junk.statusCode).toBe(400);
    const json = await app.inject({ method: 'POST', url: '/api/images', payload: { hello: 'world' } });
    expect(json.statusCode).toBe(415);
    const empty = await app.inject({ method: 'POST', url: '/api/images' });
    expect(empty.statusCode).toBe(415);
    await expectUntouched();
  });

  it('an upload over the size limit, announced or not', async () => {
    // The same data folder under tighter limits: one server holds a folder at a time.
    await app.close();
    const small = await build(dir, { limits: { maxUploadBytes: 1024 * 1024 } });
    try {
      const announced = await upload(small, fixture('multi-oci'));
      expect(announced.statusCode).toBe(413);
      const streamed = await small.inject({
        method: 'POST',
        url: '/api/images',
        headers: { 'content-type': 'application/x-tar', 'transfer-encoding': 'chunked' },
        payload: (await import('node:fs')).createReadStream(fixture('multi-oci')),
      });
      expect(streamed.statusCode, streamed.body).toBe(413);
      expect(streamed.json().error.code).toBe('UPLOAD_TOO_LARGE');
      expect(await storeState(small, dir)).toEqual(baseline);
    } finally {
      await small.close();
      app = await build(dir);
    }
  });

  it('a layer that decompresses past the layer limit (decompression bomb)', async () => {
    // The same data folder under tighter limits: one server holds a folder at a time.
    await app.close();
    const small = await build(dir, { limits: { maxLayerBytes: 1024 * 1024 } });
    try {
      // multi-oci's gzip layer 7 holds 2 MiB of data.
      const res = await upload(small, fixture('multi-oci'));
      expect(res.statusCode, res.body).toBe(413);
      expect(res.json().error.code).toBe('LIMIT_EXCEEDED');
      expect(await storeState(small, dir)).toEqual(baseline);
    } finally {
      await small.close();
      app = await build(dir);
    }
  });

  it('a good upload beside a failing one that shares its blobs: the good one keeps them all', async () => {
    const started = Date.now();
    const [good, bad] = await Promise.all([upload(app, fixture('multi-docker-legacy')), uploadBytes(app, corruptLayer())]);
    // Not left waiting for the failed upload's layer until its owner counts as gone (a minute).
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(good.statusCode).toBe(201);
    expect(bad.statusCode).toBe(400);
    const id = good.json().id as string;
    const detail = await getJson<ImageDetail>(app, `/api/images/${id}`);
    for (const l of detail.layers) {
      const changes = await getJson<Array<{ path: string; type: string; change: string }>>(app, `/api/images/${id}/layers/${l.index}/changes`);
      const file = changes.find((c) => c.type === 'file' && c.change !== 'deleted');
      if (!file) continue;
      const res = await app.inject(`/api/images/${id}/content?path=${encodeURIComponent(file.path)}&layer=${l.index}`);
      expect(res.statusCode, `${file.path} in layer ${l.index}: ${res.body.slice(0, 300)}`).toBe(200);
    }
    const state = await storeState(app, dir);
    expect(state.temp).toEqual([]);
    expect((await app.inject({ method: 'DELETE', url: `/api/images/${id}` })).statusCode).toBe(204);
    await expectUntouched();
  });

  it('two uploads at once both land; the same archive twice at once is stored once', async () => {
    const [a, b] = await Promise.all([upload(app, fixture('multi-oci')), upload(app, fixture('multi-podman-docker-archive'))]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    const [c, d] = await Promise.all([upload(app, fixture('tiny-containerd-export')), upload(app, fixture('tiny-containerd-export'))]);
    expect([c.statusCode, d.statusCode].sort()).toEqual([200, 201]);
    expect(c.json().id).toBe(d.json().id);
    const list = await getJson<ImageSummary[]>(app, '/api/images');
    expect(list).toHaveLength(4);
    for (const id of [a.json().id, b.json().id, c.json().id]) {
      expect((await app.inject(`/api/images/${id}/content?path=/etc/os-release`)).body).toContain('Tiny Linux');
      expect((await app.inject({ method: 'DELETE', url: `/api/images/${id}` })).statusCode).toBe(204);
    }
    await expectUntouched();
  });

  it('an upload the client cancels half-way (over a real socket)', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const bytes = legacyBytes();
      const url = new URL('/api/images?name=cancelled.tar', address);
      let midway = { active: 0, blobs: 0 };
      await new Promise<void>((resolve) => {
        const req = request(url, { method: 'POST', headers: { 'content-type': 'application/x-tar', 'content-length': bytes.length } });
        req.on('error', () => resolve());
        req.on('response', () => resolve());
        req.write(bytes.subarray(0, 3 * 1024 * 1024), () => {
          // Let the server store the first blobs, then go away.
          setTimeout(() => {
            midway = { active: app.peel.services.collector.active, blobs: readdirSync(join(dir, 'blobs', 'sha256')).length };
            req.destroy();
            resolve();
          }, 300);
        });
      });
      // The upload was in flight and had stored blobs of its own when the client left.
      expect(midway.active).toBe(1);
      expect(midway.blobs).toBeGreaterThan(baseline.blobs.length);
      for (let i = 0; i < 100 && app.peel.services.collector.active > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(app.peel.services.collector.active).toBe(0);
    } finally {
      // Back to in-process requests only (their Host names no port).
      await new Promise((r) => app.server.close(r));
    }
    await expectUntouched();
  });
});
