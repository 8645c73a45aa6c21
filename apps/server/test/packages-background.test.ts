import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { PackagesProgress, PackagesResponse } from '@peel/api';
import { build, getJson, removeDir, tempDir, upload } from './helper.js';
import { makeDpkgImage, type DpkgImage } from './dpkg-image.js';

async function uploaded(app: FastifyInstance, archive: string): Promise<string> {
  const res = await upload(app, archive);
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`upload: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

/** Waits (bounded) until `done` says yes, asking nothing of the server. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (done()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Asks with wait=0 until the inventory is ready (bounded), checking every 202 on the way. */
async function pollReady(app: FastifyInstance, url: string): Promise<{ body: string; progress: PackagesProgress[] }> {
  const progress: PackagesProgress[] = [];
  for (let i = 0; i < 1200; i++) {
    const res = await app.inject(`${url}${url.includes('?') ? '&' : '?'}wait=0`);
    if (res.statusCode === 200) return { body: res.body, progress };
    expect(res.statusCode).toBe(202);
    progress.push(res.json() as PackagesProgress);
    await sleep(50);
  }
  throw new Error(`${url} never became ready`);
}

/**
 * Watches the computations of packages in an app that holds one image: how many walks of the final
 * files began (each computation makes one, at its end), and a gate that holds the computation as it
 * reaches layer `holdAt` (the layers are read in order, each asking first for its own entries).
 */
function watch(app: FastifyInstance, holdAt: number) {
  const fs = app.peel.index.fs;
  const walks = fs.nodesOfTypes.bind(fs);
  const children = fs.layerChildren.bind(fs);
  const state = { fileWalks: 0, held: false, release: () => {} };
  const gate = new Promise<void>((resolve) => (state.release = resolve));
  const digests: string[] = [];
  fs.nodesOfTypes = (id, types, after, limit) => {
    if (types.includes('file') && after === null) state.fileWalks++;
    return walks(id, types, after, limit);
  };
  fs.layerChildren = async (digest, dir) => {
    if (!digests.includes(digest)) digests.push(digest);
    if (digests.indexOf(digest) === holdAt) {
      state.held = true;
      await gate;
    }
    return children(digest, dir);
  };
  return state;
}

describe('packages computed in the background after an ingest', () => {
  let dir: string;
  let archive: string;
  let img: DpkgImage;
  /** The inventory as a request computes it on an app that computes nothing by itself. */
  let onDemand: PackagesResponse;
  let onDemandPage: string;

  beforeAll(async () => {
    dir = await tempDir('peel-packages-bg-');
    archive = join(dir, 'dpkg.tar');
    img = await makeDpkgImage(archive, dir);
    const app = await build(join(dir, 'on-demand'), { packagesAfterIngest: false });
    try {
      const id = await uploaded(app, archive);
      onDemand = await getJson<PackagesResponse>(app, `/api/images/${id}/packages`);
      onDemandPage = (await app.inject(`/api/images/${id}/packages?paged=1&sort=size&limit=3`)).body;
    } finally {
      await app.close();
    }
  });
  afterAll(() => removeDir(dir));

  it('starts after an upload without any request, answers wait=0 with its progress, then with what a request computes', async () => {
    const app = await build(join(dir, 'progress'));
    try {
      const seen = watch(app, 2);
      const id = await uploaded(app, archive);
      // Nothing asked for the packages: the ingest alone started their computation.
      await until(() => seen.held, 'the computation to reach layer 2');
      const url = `/api/images/${id}/packages`;
      const held = await app.inject(`${url}?wait=0`);
      expect(held.statusCode).toBe(202);
      // Layers 0 and 1 read, held as layer 2 begins.
      expect(held.json()).toEqual({ state: 'computing', layer: 2, layers: img.stages.length });
      const paged = await app.inject(`${url}?paged=1&sort=size&limit=3&wait=0`);
      expect(paged.statusCode).toBe(202);
      // Without wait=0 a request waits for the answer, as it always did.
      let answered = false;
      const waiting = app.inject(url).then((res) => {
        answered = true;
        return res;
      });
      await sleep(300);
      expect(answered).toBe(false);
      seen.release();
      const { body, progress } = await pollReady(app, url);
      for (const p of progress) {
        expect(p.state).toBe('computing');
        expect(p.layer).toBeGreaterThanOrEqual(2);
        expect(p.layer).toBeLessThanOrEqual(p.layers);
        expect(p.layers).toBe(img.stages.length);
      }
      expect(JSON.parse(body)).toEqual(onDemand);
      expect((await waiting).json()).toEqual(onDemand);
      expect((await app.inject(`${url}?paged=1&sort=size&limit=3&wait=0`)).body).toBe(onDemandPage);
      expect(onDemand.packages.filter((p) => p.removedIn === null).map((p) => p.name).sort())
        .toEqual(img.oracle[img.oracle.length - 1].packages.map((p) => p.name).sort());
      // One computation served all of it.
      expect(seen.fileWalks).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('drops a computation whose image is deleted, and computes again when it is uploaded again', async () => {
    const app = await build(join(dir, 'delete'));
    try {
      const seen = watch(app, 1);
      const id = await uploaded(app, archive);
      await until(() => seen.held, 'the computation to reach layer 1');
      expect((await app.inject({ method: 'DELETE', url: `/api/images/${id}` })).statusCode).toBe(204);
      seen.release();
      expect((await app.inject(`/api/images/${id}/packages?wait=0`)).statusCode).toBe(404);
      expect((await app.inject(`/api/images/${id}/packages`)).statusCode).toBe(404);
      // The same id again: its computation waits in line behind the abandoned one, which never
      // reaches its walk of the final files.
      expect(await uploaded(app, archive)).toBe(id);
      const { body } = await pollReady(app, `/api/images/${id}/packages`);
      expect(JSON.parse(body)).toEqual(onDemand);
      expect(seen.fileWalks).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('answers 404 with wait=0 for an unknown image, and 400 for a bad query before any progress', async () => {
    const app = await build(join(dir, 'errors'));
    try {
      expect((await app.inject('/api/images/nope/packages?wait=0')).statusCode).toBe(404);
      const seen = watch(app, 1);
      const id = await uploaded(app, archive);
      await until(() => seen.held, 'the computation to reach layer 1');
      expect((await app.inject(`/api/images/${id}/packages?wait=0&sort=size`)).statusCode).toBe(400);
      expect((await app.inject(`/api/images/${id}/packages?wait=maybe`)).statusCode).toBe(400);
      seen.release();
    } finally {
      await app.close();
    }
  });
});
