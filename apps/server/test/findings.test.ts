import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { FindingsResponse } from '@peel/api';
import { build, count, getJson, ingest, recordWrites, removeDir, sql, tempDir } from './helper.js';

describe('GET /api/images/:id/findings', () => {
  let dir: string;
  let app: FastifyInstance;
  let multi: string;
  let tiny: string;
  beforeAll(async () => {
    dir = await tempDir();
    app = await build(dir);
    multi = await ingest(app, 'multi-docker-legacy');
    tiny = await ingest(app, 'tiny-docker-legacy');
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('reports the deleted .env secret, the overwritten 2 MiB as waste once, and sizes, with absolute paths', async () => {
    const f = await getJson<FindingsResponse>(app, `/api/images/${multi}/findings`);
    expect(f.imageId).toBe(multi);
    expect(f.secrets.map((s) => [s.kind, s.path, s.layer, s.deletedIn, s.line, s.status])).toEqual([
      ['dotenv', '/opt/app/.env', 5, 6, 2, 'deleted'],
      ['dotenv', '/opt/app/.env', 5, 6, 3, 'deleted'],
    ]);
    expect(f.secrets[0].preview).toBe('API_KEY=sk_t************');
    expect(JSON.stringify(f)).not.toContain('0123456789abcdef');
    // By hand from the fixture's layer listings (see the engine's findings fixture test).
    expect(f.waste.bytes).toBe(2_097_445);
    expect(f.waste.items[0]).toMatchObject({ kind: 'removed', path: '/var/lib/app/big.bin', bytes: 2_097_152, survivor: { layer: 8, size: 65_536 } });
    expect(f.sizes.layers).toHaveLength(13);
    expect(f.sizes.tree.path).toBe('/');
    expect(f.sizes.biggestFiles[0].path).toBe('/bin/busybox');
    expect(f.base.baseLayers).toBe(1);
  });

  it('gives the same answer as computing it from the archive in memory (the store loses nothing)', async () => {
    const first = await getJson<FindingsResponse>(app, `/api/images/${multi}/findings`);
    const { analyzeImage, FsBlobStore, openImageArchive, layersFromArrays } = await import('@peel/engine');
    const { createReadStream } = await import('node:fs');
    const { fixture } = await import('./helper.js');
    const store = await new FsBlobStore(`${dir}/direct`).init();
    const a = await openImageArchive(createReadStream(fixture('multi-docker-legacy')), store);
    const layers = a.image.layers.map((l) => a.layerScans.get(l.blob)!.entries);
    const direct = await analyzeImage({ layers: layersFromArrays(layers), layerFacts: a.image.layers, history: a.image.history, config: a.image.config, store });
    expect(first.waste.bytes).toBe(direct.waste.bytes);
    expect(first.sizes.final).toBe(direct.sizes.final);
    expect(first.sizes.layers.map((l) => l.contribution)).toEqual(direct.sizes.layers.map((l) => l.contribution));
    expect(first.secrets.map((s) => s.id)).toEqual(direct.secrets.map((s) => s.id));
  });

  it('is computed once and then served from the cache, also across a restart', async () => {
    const first = await getJson<FindingsResponse>(app, `/api/images/${tiny}/findings`);
    const again = await getJson<FindingsResponse>(app, `/api/images/${tiny}/findings`);
    expect(again.computedAt).toBe(first.computedAt);
    expect(first.secrets).toEqual([]);
    expect(await count(app, `SELECT count(*) AS n FROM image_findings WHERE image_id = ?`, tiny)).toBe(1);
    await app.close();
    app = await build(dir);
    const afterRestart = await getJson<FindingsResponse>(app, `/api/images/${tiny}/findings`);
    expect(afterRestart.computedAt).toBe(first.computedAt);
  });

  it('shares one computation between concurrent first requests', async () => {
    await sql(app, `DELETE FROM image_findings`);
    // Every computation ends by storing its result: count those writes as the database sees them.
    const writes = await recordWrites(app, 'image_findings', 'image_id');
    try {
      const replies = await Promise.all([1, 2, 3].map(() => getJson<FindingsResponse>(app, `/api/images/${multi}/findings`)));
      expect(await writes.seen()).toEqual([multi]);
      expect(new Set(replies.map((r) => r.computedAt)).size).toBe(1);
    } finally {
      await writes.stop();
    }
  });

  it('answers 404 for an unknown image, and drops the cached rows of a deleted one', async () => {
    const res = await app.inject('/api/images/nope/findings');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await app.inject({ method: 'DELETE', url: `/api/images/${tiny}` })).statusCode).toBe(204);
    await getJson(app, `/api/images/${multi}/findings`);
    await sql(app, `DELETE FROM image_findings WHERE image_id = ?`, multi);
    await getJson(app, `/api/images/${multi}/findings`);
    const ids = (await sql<{ image_id: string }>(app, `SELECT image_id FROM image_findings`)).map((r) => r.image_id);
    expect(ids).toEqual([multi]);
  });
});

describe('findings of an image with more layer entries than PEEL_MAX_FINDINGS_ENTRIES', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await removeDir(dir);
  });

  it('are refused with 413 before anything is read, up to the limit they are computed', async () => {
    // Every layer's own entries (a layer used twice is read twice).
    const entriesOf = async (app: FastifyInstance, id: string) => {
      const { layers } = await getJson<{ layers: Array<{ entryCount: number }> }>(app, `/api/images/${id}`);
      return layers.reduce((a, l) => a + l.entryCount, 0);
    };
    const probe = await build(dir);
    const id = await ingest(probe, 'multi-docker-legacy');
    const entries = await entriesOf(probe, id);
    await probe.close();
    expect(entries).toBeGreaterThan(10);

    const below = await build(dir, { findingsMaxEntries: entries - 1 });
    const refused = await below.inject(`/api/images/${id}/findings`);
    expect(refused.statusCode).toBe(413);
    const error = (refused.json() as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain(`have ${entries.toLocaleString('en')} entries`);
    expect(error.message).toContain('PEEL_MAX_FINDINGS_ENTRIES');
    await below.close();

    const at = await build(dir, { findingsMaxEntries: entries });
    expect((await getJson<FindingsResponse>(at, `/api/images/${id}/findings`)).imageId).toBe(id);
    await at.close();
  });
});
