import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ImageDetail, ImageSummary, Problem } from '@peel/api';
import { buildApp } from '@peel/server';
import { corpus, ingests, refusals, ESCAPE_MARKER } from '../src/corpus.js';
import { escapedMarkers, removeDir, tempDir } from './helpers.js';
import { imageRowCount } from '../src/image-rows.js';

/**
 * Every corpus case uploaded to the server: accepted (201) with the expected problems in the
 * image detail and every view of it answering, or refused with a 4xx naming the engine code.
 * After each refusal the store is exactly as before; after everything, the server still
 * answers and nothing was written outside the data folder.
 */
describe('the hostile corpus, server', () => {
  let dir: string;
  let app: FastifyInstance;

  async function state(): Promise<{ blobs: string[]; tmp: string[]; images: number }> {
    await app.peel.idle();
    const blobs = (await readdir(join(dir, 'blobs', 'sha256'))).sort();
    const tmp = await readdir(join(dir, 'blobs', 'tmp'));
    const images = imageRowCount(dir);
    return { blobs, tmp, images };
  }

  beforeAll(async () => {
    dir = await tempDir();
    app = await buildApp({ dataDir: dir });
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  /** Every read view of an image must answer 2xx/4xx: never a 5xx, never a hang. */
  async function walkViews(id: string, detail: ImageDetail): Promise<void> {
    const urls = [`/api/images/${id}/archive`, `/api/images/${id}/fs?path=/`, `/api/images/${id}/fs?path=/&deleted=1`, `/api/images/${id}/search?q=a`];
    for (const l of detail.layers) urls.push(`/api/images/${id}/layers/${l.index}/changes`, `/api/images/${id}/fs?path=/&layer=${l.index}`);
    const root = await app.inject(`/api/images/${id}/fs?path=/`);
    for (const e of (root.json() as Array<{ path: string; type: string }>).slice(0, 50)) {
      urls.push(`/api/images/${id}/content?path=${encodeURIComponent(e.path)}`, `/api/images/${id}/fs?path=${encodeURIComponent(e.path)}`);
    }
    for (const url of urls) {
      const res = await app.inject(url);
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
      expect(res.body, url).not.toMatch(/root:x:0:0/); // the host's /etc/passwd
    }
  }

  for (const c of corpus) {
    it(`${c.name}: ${c.about}`, async () => {
      const before = await state();
      const res = await app.inject({ method: 'POST', url: `/api/images?name=${encodeURIComponent(c.name)}`, headers: { 'content-type': 'application/x-tar' }, payload: c.bytes() });
      if (ingests(c)) {
        expect(res.statusCode, res.body.slice(0, 500)).toBe(201);
        const { id } = res.json() as ImageSummary;
        const detail = await app.inject(`/api/images/${id}`);
        expect(detail.statusCode, detail.body.slice(0, 300)).toBe(200);
        const image = detail.json() as ImageDetail;
        const codes = (image.problems as Problem[]).map((p) => p.code);
        for (const code of c.expect.ingest) expect(codes, `problems of ${c.name}`).toContain(code);
        for (const p of c.merged?.has ?? []) {
          const parent = p.includes('/') ? `/${p.slice(0, p.lastIndexOf('/'))}` : '/';
          const list = await app.inject(`/api/images/${id}/fs?path=${encodeURIComponent(parent)}`);
          expect(list.statusCode, list.body.slice(0, 300)).toBe(200);
          expect((list.json() as Array<{ path: string }>).map((e) => e.path), `${p} listed`).toContain(`/${p}`);
        }
        for (const { path, bytes } of c.content ?? []) {
          const want = bytes();
          const whole = await app.inject(`/api/images/${id}/content?path=${encodeURIComponent(`/${path}`)}`);
          expect(whole.statusCode, whole.body.slice(0, 300)).toBe(200);
          expect(whole.rawPayload.equals(want), `${path}: ${whole.rawPayload.length} bytes served, ${want.length} expected`).toBe(true);
          // A range across a hole and into the data: what a viewer's hex pane asks for.
          const part = await app.inject({ url: `/api/images/${id}/content?path=${encodeURIComponent(`/${path}`)}`, headers: { range: 'bytes=1000-4700' } });
          expect(part.statusCode).toBe(206);
          expect(part.rawPayload.equals(want.subarray(1000, 4701))).toBe(true);
        }
        await walkViews(id, image);
        expect((await app.inject({ method: 'DELETE', url: `/api/images/${id}` })).statusCode).toBe(204);
        expect(await state()).toEqual(before);
      } else {
        expect(res.statusCode, res.body.slice(0, 500)).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, res.body.slice(0, 500)).toBeLessThan(500);
        const { error } = res.json() as { error: { code: string; message: string } };
        expect(refusals(c), error.message).toContain(error.code);
        expect(await state(), 'a refused upload leaves nothing').toEqual(before);
      }
    });
  }

  it('is still up, and nothing landed outside the data folder', async () => {
    expect((await app.inject('/api/health')).statusCode).toBe(200);
    expect(await escapedMarkers(ESCAPE_MARKER, [tmpdir(), '/tmp', '/etc', process.cwd(), '/'])).toEqual([]);
  });
});
