import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ImageDetail } from '@peel/api';
import { archiveLimitsFromEnv } from '../src/http/hardening-env.js';
import { build, fixture, getJson, ingest, removeDir, storeState, tempDir, upload } from './helper.js';

/**
 * The archive-wide entry cap (maxEntriesPerArchive, PEEL_MAX_ENTRIES_PER_ARCHIVE): the index of
 * every layer is held while an image is ingested, so the entries of all layers together are
 * bounded, not only each layer's.
 */
describe('entries per archive', () => {
  let dir: string;
  let counts: number[];

  beforeAll(async () => {
    dir = await tempDir();
    const app = await build(`${dir}/uncapped`);
    const id = await ingest(app, 'multi-docker-legacy');
    counts = (await getJson<ImageDetail>(app, `/api/images/${id}`)).layers.map((l) => l.entryCount);
    await app.close();
  });
  afterAll(() => removeDir(dir));

  it('refuses an image whose layers together pass the cap, though each layer is under it', async () => {
    const total = counts.reduce((a, b) => a + b, 0);
    const cap = total - 1;
    expect(counts.length).toBeGreaterThan(1);
    expect(Math.max(...counts)).toBeLessThanOrEqual(cap);
    const app: FastifyInstance = await build(`${dir}/capped`, { limits: { maxEntriesPerArchive: cap } });
    try {
      const before = await storeState(app, `${dir}/capped`);
      const res = await upload(app, fixture('multi-docker-legacy'));
      expect(res.statusCode, res.body).toBe(413);
      const { code, message } = res.json().error as { code: string; message: string };
      expect(code).toBe('LIMIT_EXCEEDED');
      expect(message).toContain(`more than ${cap} entries`);
      expect(message).toContain('PEEL_MAX_ENTRIES_PER_ARCHIVE');
      expect(await storeState(app, `${dir}/capped`), 'a refused image leaves nothing').toEqual(before);
    } finally {
      await app.close();
    }
  });

  it('takes an image that is exactly at the cap', async () => {
    const total = counts.reduce((a, b) => a + b, 0);
    const app = await build(`${dir}/at-cap`, { limits: { maxEntriesPerArchive: total } });
    try {
      expect((await upload(app, fixture('multi-docker-legacy'))).statusCode).toBe(201);
    } finally {
      await app.close();
    }
  });

  it('reads PEEL_MAX_ENTRIES_PER_ARCHIVE', () => {
    expect(archiveLimitsFromEnv({ PEEL_MAX_ENTRIES_PER_ARCHIVE: '250000' })).toEqual({ maxEntriesPerArchive: 250_000 });
    expect(() => archiveLimitsFromEnv({ PEEL_MAX_ENTRIES_PER_ARCHIVE: '-1' })).toThrow(/PEEL_MAX_ENTRIES_PER_ARCHIVE/);
  });
});
