import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChangesPage, DraftState } from '@peel/api';
import { build, count, getJson, ingest, removeDir, tempDir } from './helper.js';

/**
 * SQLite hands a deleted image's key to the next image when it was the highest: whatever the
 * server keeps per image in memory must not answer for the new one.
 */
describe('an image stored under a deleted image’s key', () => {
  let dir: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = await tempDir();
    app = await build(dir);
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  const keyOf = async (id: string) => (await count(app, `SELECT key AS n FROM images WHERE id = ?`, id));

  it('gets its own draft sizes and change counts', async () => {
    const multi = await ingest(app, 'multi-docker-legacy');
    const before = await getJson<DraftState>(app, `/api/images/${multi}/draft`);
    // Caches warm for the first image (its layer 0 is the same base as the second's).
    await getJson<ChangesPage>(app, `/api/images/${multi}/layers/0/changes?paged=1`);
    const key = await keyOf(multi);
    expect((await app.inject({ method: 'DELETE', url: `/api/images/${multi}` })).statusCode).toBe(204);
    await app.peel.idle();

    const tiny = await ingest(app, 'tiny-docker-legacy');
    expect(await keyOf(tiny)).toBe(key);
    const sizes = await getJson<DraftState>(app, `/api/images/${tiny}/draft`);
    const counts = (await getJson<ChangesPage>(app, `/api/images/${tiny}/layers/0/changes?paged=1`)).counts;

    // What a server that never saw the first image answers for the second.
    await app.close();
    app = await build(dir);
    expect(sizes.size).toEqual((await getJson<DraftState>(app, `/api/images/${tiny}/draft`)).size);
    expect(counts).toEqual((await getJson<ChangesPage>(app, `/api/images/${tiny}/layers/0/changes?paged=1`)).counts);
    expect(sizes.size.before).not.toBe(before.size.before);
  });
});
