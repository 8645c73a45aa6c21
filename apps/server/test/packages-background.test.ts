import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { PackagesProgress, PackagesResponse } from '@peel/api';
import { build, getJson, removeDir, tempDir, upload } from './helper.js';
import { makeDpkgImage, type DpkgImage } from './dpkg-image.js';
import { generateDockerArchive } from './generate-image.js';
import { unpackImage } from './gnu-tar-image.js';
import { PackagesService } from '../src/services/packages.js';
import { ComparePackagesService } from '../src/services/compare-packages.js';

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

describe('an image without a package database', () => {
  let dir: string;
  let archive: string;
  /** The final filesystem's regular files grouped by folder, as GNU tar extracts the layers in order. */
  let expected: { files: number; bytes: number; folders: Map<string, { files: number; bytes: number }> };

  beforeAll(async () => {
    dir = await tempDir('peel-packages-none-');
    archive = join(dir, 'none.tar');
    // No whiteouts: GNU tar extracting the layers one over the other gives the final filesystem.
    await generateDockerArchive(archive, [
      { files: [{ path: 'bin/busybox', size: 70_000, fill: 'random' }, { path: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' }, { path: 'etc/motd', content: 'hi\n' }] },
      { files: [{ path: 'etc/motd', content: 'hello there\n' }, { path: 'app/a.js', size: 3000, fill: 'text' }, { path: 'app/lib/b.js', size: 500, fill: 'text' }, { path: 'app/bin', symlink: '../bin' }] },
    ], 'peel-test/no-database:latest');
    const tarImage = unpackImage(archive, join(dir, 'tar'));
    const root = join(dir, 'root');
    mkdirSync(root);
    for (const layer of manifestLayers(join(dir, 'tar', 'outer'))) execFileSync('tar', ['-xf', layer, '-C', root, '--no-same-owner']);
    expect(tarImage.layers).toHaveLength(2);
    expected = { files: 0, bytes: 0, folders: new Map() };
    for (const line of execFileSync('find', [root, '-type', 'f', '-printf', '%s %P\\n'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
      const [size, path] = [Number(line.slice(0, line.indexOf(' '))), line.slice(line.indexOf(' ') + 1)];
      const folder = `/${path}`.slice(0, `/${path}`.lastIndexOf('/')) || '/';
      const f = expected.folders.get(folder) ?? { files: 0, bytes: 0 };
      f.files++;
      f.bytes += size;
      expected.folders.set(folder, f);
      expected.files++;
      expected.bytes += size;
    }
  });
  afterAll(() => removeDir(dir));

  it('finishes its background inventory without walking the final files; the first request that answers the unowned files walks them, once', async () => {
    const app = await build(join(dir, 'app'), { packagesAfterIngest: false });
    const { index, store, services } = app.peel;
    const service = new PackagesService(index, store, services.images, services.fs.pages);
    try {
      const seen = watch(app, -1);
      const id = await uploaded(app, archive);
      service.prepare(id);
      await service.settled(id);
      expect(seen.fileWalks).toBe(0);
      // Comparing packages needs no unowned files: it walks nothing either.
      const compared = await new ComparePackagesService(services.compare, service).changes({ a: { id }, b: { id }, mtime: false });
      expect(compared.items).toEqual([]);
      expect(seen.fileWalks).toBe(0);
      // Asked with wait=0, the walk starts and is reported as the last step of the computation.
      expect(await service.progress(id)).toEqual({ state: 'computing', layer: 2, layers: 2 });
      const page = await service.page(id, { limit: 10, sort: 'name' });
      expect(page.items).toEqual([]);
      expect(page.layers.map((l) => l.installed)).toEqual([0, 0]);
      expect({ files: page.unowned.files, bytes: page.unowned.bytes }).toEqual({ files: expected.files, bytes: expected.bytes });
      expect(new Map(page.unowned.folders.map((f) => [f.path, { files: f.files, bytes: f.bytes }]))).toEqual(expected.folders);
      expect((await service.get(id)).unowned).toEqual(page.unowned);
      expect(await service.progress(id)).toBeNull();
      expect(seen.fileWalks).toBe(1);
    } finally {
      await service.close();
      await app.close();
    }
  });

  it('a walk that fails is the error of the request that waits for it; wait=0 then stops answering 202, and the next request walks again', async () => {
    const app = await build(join(dir, 'failing'), { packagesAfterIngest: false });
    const { index, store, services } = app.peel;
    const service = new PackagesService(index, store, services.images, services.fs.pages);
    const fs = index.fs;
    const walk = fs.nodesOfTypes.bind(fs);
    let failing = true;
    fs.nodesOfTypes = async (id, types, after, limit) => {
      if (failing && types.includes('file')) throw new Error('the index is unreadable');
      return walk(id, types, after, limit);
    };
    try {
      const id = await uploaded(app, archive);
      service.prepare(id);
      await service.settled(id);
      expect(await service.progress(id)).toEqual({ state: 'computing', layer: 2, layers: 2 });
      await expect(service.get(id)).rejects.toThrow('the index is unreadable');
      // Not 202 for ever: the request it lets through walks again, and fails with the error.
      expect(await service.progress(id)).toBeNull();
      await expect(service.page(id, { limit: 1, sort: 'name' })).rejects.toThrow('the index is unreadable');
      failing = false;
      expect((await service.get(id)).unowned.files).toBe(expected.files);
      expect(await service.progress(id)).toBeNull();
    } finally {
      await service.close();
      await app.close();
    }
  });

  it('answers the same through the route, computed in the background after the upload', async () => {
    const app = await build(join(dir, 'route'));
    try {
      const id = await uploaded(app, archive);
      const { body } = await pollReady(app, `/api/images/${id}/packages?paged=1`);
      const page = JSON.parse(body) as { items: unknown[]; unowned: { files: number; bytes: number; folders: Array<{ path: string; files: number; bytes: number }> } };
      expect(page.items).toEqual([]);
      expect({ files: page.unowned.files, bytes: page.unowned.bytes }).toEqual({ files: expected.files, bytes: expected.bytes });
      expect(new Map(page.unowned.folders.map((f) => [f.path, { files: f.files, bytes: f.bytes }]))).toEqual(expected.folders);
    } finally {
      await app.close();
    }
  });
});

/** The layer tars manifest.json names, in order, under an unpacked archive. */
function manifestLayers(outer: string): string[] {
  return (JSON.parse(readFileSync(join(outer, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>)[0].Layers.map((l) => join(outer, l));
}

describe('an inventory being computed', () => {
  let dir: string;
  let archive: string;
  const STANZAS = 40_000;

  beforeAll(async () => {
    dir = await tempDir('peel-packages-busy-');
    archive = join(dir, 'big-status.tar');
    const stanza = (i: number) => `Package: pkg${i}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.${i}\nInstalled-Size: ${i % 900}\nDescription: package ${i}\n spanning\n lines\n`;
    await generateDockerArchive(archive, [{ files: [{ path: 'var/lib/dpkg/status', content: Array.from({ length: STANZAS }, (_, i) => stanza(i)).join('\n') }] }], 'peel-test/big-status:latest');
  });
  afterAll(() => removeDir(dir));

  it('leaves the server answering other requests: /api/health, asked as the database is read, answers before the inventory is done', async () => {
    const app = await build(join(dir, 'app'), { packagesAfterIngest: false });
    const { index, store, services } = app.peel;
    // Uploaded before listening: injected requests name no port, a listening server wants its own.
    const id = await uploaded(app, archive);
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const order: string[] = [];
    let health: Promise<void> | undefined;
    // The store as the computation reads it: once the status's bytes are read (its parsing and
    // attribution are all that is left), /api/health is asked over a socket — answered only when
    // the event loop gets a turn, which microtasks never give.
    const reading: typeof store = Object.create(store);
    reading.openReader = async (digest) => {
      const reader = await store.openReader(digest);
      return {
        read: async (...args) => {
          const got = await reader.read(...args);
          health ??= fetch(`${base}/api/health`).then(async (res) => {
            expect(res.status).toBe(200);
            order.push('health');
          });
          return got;
        },
        close: () => reader.close(),
      };
    };
    const service = new PackagesService(index, reading, services.images, services.fs.pages);
    try {
      service.prepare(id);
      await service.settled(id);
      order.push('inventory');
      expect(health).toBeDefined();
      await health;
      expect(order).toEqual(['health', 'inventory']);
      const page = await service.page(id, { limit: 1, sort: 'name' });
      expect(page.total).toBe(STANZAS);
    } finally {
      await service.close();
      await app.close();
    }
  });
});
