import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FsBlobStore } from '../src/index.js';
import { openFixture, tempStore } from './helpers.js';

/** maxEntriesPerArchive counts the entries of every layer blob together, while they stream. */
describe('maxEntriesPerArchive', () => {
  let store: FsBlobStore;
  let dir: string;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ store, dir, dispose } = await tempStore()));
  afterAll(() => dispose());

  it('refuses the archive once the layers together pass it, and reports each layer as it is stored', async () => {
    const reported: Array<{ path: string; entries: number }> = [];
    const archive = await openFixture('multi-docker-legacy.tar', store, { onLayer: (l) => reported.push({ path: l.path, entries: l.entries.length }) });
    const layers = archive.image.layers.map((l) => archive.layerScans.get(l.blob)!);
    expect(reported.map((r) => r.path).sort()).toEqual(archive.image.layers.map((l) => l.archivePath).sort());
    const total = reported.reduce((s, r) => s + r.entries, 0);
    expect(Math.max(...layers.map((l) => l.entries.length))).toBeLessThan(total - 1);

    const blobs = (await readdir(join(dir, 'sha256'))).sort();
    const err = await openFixture('multi-docker-legacy.tar', store, { maxEntriesPerArchive: total - 1 }).then(() => null, (e: Error & { code?: string; limit?: string }) => e);
    expect(err?.code).toBe('LIMIT_EXCEEDED');
    expect(err?.limit).toBe('maxEntriesPerArchive');
    expect(err?.message).toContain(`more than ${total - 1} entries`);
    expect((await readdir(join(dir, 'sha256'))).sort(), 'blobs stored before the refusal were already there').toEqual(blobs);
    await expect(openFixture('multi-docker-legacy.tar', store, { maxEntriesPerArchive: total })).resolves.toBeTruthy();
  });
});
