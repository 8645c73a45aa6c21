import { createReadStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore, openImageArchive } from '@peel/engine';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { IngestOwner, PendingImage, ScannedLayer } from '../src/store/index.js';
import { build, fixture, getJson, ingest, removeDir, storeState, tempDir, count } from './helper.js';

/**
 * Layer rows are written while the upload still streams, under a 'pending' image. A process that
 * stops there (kill -9) leaves that state on disk; the next start must remove all of it, and
 * only it: a layer a finished image shares stays whole.
 */
/** An owner that is not running: this process, started at a time none of its apps has. */
const STOPPED: IngestOwner = { pid: process.pid, host: hostname(), started: 'stopped' };

function writeLayer(app: FastifyInstance, pending: PendingImage, layer: ScannedLayer, opts: { chunkRows: number; check?: () => void }): Promise<void> {
  const { entries, ...facts } = layer;
  return app.peel.index.ingest.writeLayer(pending, facts, entries, opts);
}

describe('a stop in the middle of writing layers', () => {
  let dir: string;
  let layers: ScannedLayer[];

  beforeAll(async () => {
    dir = await tempDir();
    const store = await new FsBlobStore(`${dir}/scratch`).init();
    layers = [];
    await openImageArchive(createReadStream(fixture('multi-docker-legacy')), store, { onLayer: (l) => layers.push(l) });
    expect(layers.length).toBeGreaterThan(1);
  });
  afterAll(() => removeDir(dir));

  it('leaves no image and no row after the restart, also with a layer cut half-way', async () => {
    const data = `${dir}/alone`;
    let app = await build(data, { chunkRows: 10 });
    const empty = await storeState(app, data);
    const [big, ...rest] = [...layers].sort((a, b) => b.entries.length - a.entries.length);
    expect(big.entries.length).toBeGreaterThan(20);
    const key = await app.peel.index.ingest.begin(STOPPED);
    await writeLayer(app, key, rest[0], { chunkRows: 10 });
    let chunks = 0;
    const stop = () => {
      if (++chunks > 1) throw new Error('stopped');
    };
    await expect(writeLayer(app, key, big, { chunkRows: 10, check: stop })).rejects.toThrow('stopped');
    const rows = await count(app, `SELECT count(*) AS n FROM layer_entries JOIN layers ON layers.key = layer_entries.layer WHERE layers.digest = ?`, big.digest);
    expect(rows, 'part of the big layer is in').toBeGreaterThan(0);
    expect(rows).toBeLessThan(big.entries.length);
    expect(await getJson<unknown[]>(app, '/api/images'), 'a pending image is never listed').toEqual([]);
    await app.close();

    app = await build(data, { chunkRows: 10 });
    try {
      expect(await storeState(app, data)).toEqual(empty);
    } finally {
      await app.close();
    }
  });

  it('keeps the layers a finished image shares with the stopped one', async () => {
    const data = `${dir}/shared`;
    let app = await build(data);
    const id = await ingest(app, 'multi-docker-legacy');
    const whole = await storeState(app, data);
    const key = await app.peel.index.ingest.begin(STOPPED);
    for (const l of layers) await writeLayer(app, key, l, { chunkRows: 2000 });
    expect(await count(app, `SELECT count(*) AS n FROM layer_entries`), 'stored layers are linked, not written again').toBe(whole.rows.layer_entries);
    await app.close();

    app = await build(data);
    try {
      expect(await storeState(app, data)).toEqual(whole);
      expect((await app.inject(`/api/images/${id}`)).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
