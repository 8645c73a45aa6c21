import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { FsBlobStore, mergeLayers, openImageArchive, type MergedFs } from '@peel/engine';
import { SubtreeSizes } from '../src/store/sqlite/subtree-size.js';
import { build, fixture, ingest, removeDir, tempDir, upload, sqliteOf } from './helper.js';
import { generateDockerArchive } from './generate-image.js';

/**
 * The store's one-query size of a folder's content (what a draft shows for a deleted folder)
 * equals the engine's walk of the merged tree, for every folder of real images (hard links,
 * whiteouts and opaque folders included).
 */
describe('content bytes below a folder, from the index', () => {
  let dir: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = await tempDir();
    app = await build(join(dir, 'data'));
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  function walk(fs: MergedFs, path: string): number {
    let total = 0;
    for (const c of fs.children(path)) {
      total += c.content ? c.content.entry.size : c.entry.size;
      if (c.entry.type === 'dir') total += walk(fs, c.path);
    }
    return total;
  }

  for (const name of ['multi-docker-legacy', 'multi-oci', 'prefixed']) {
    it(`${name}: every folder`, async () => {
      let file = fixture(name);
      let id: string;
      if (name === 'prefixed') {
        // Siblings whose names sort around "lib/" ('-' < '/' < '0' < '6'): none may count as lib's.
        file = join(dir, 'prefixed.tar');
        const f = (path: string, size: number) => ({ path, content: Buffer.alloc(size, 0x61) });
        await generateDockerArchive(file, [{ files: [f('usr/lib/a', 1), f('usr/lib/sub/b', 10), f('usr/lib-x/c', 100), f('usr/lib0/d', 1000), f('usr/lib64/e', 10000), f('usr/lib.so', 100000), f('usr/li/g', 7)] }]);
        const res = await upload(app, file);
        expect(res.statusCode, res.body).toBe(201);
        id = (res.json() as { id: string }).id;
      } else {
        id = await ingest(app, name);
      }
      const store = await new FsBlobStore(join(dir, `engine-${name}`)).init();
      const a = await openImageArchive(createReadStream(file), store);
      const fs = mergeLayers(a.image.layers.map((l) => a.layerScans.get(l.blob)!.entries));
      const key = sqliteOf(app).prepare(`SELECT key FROM images WHERE id = ?`).pluck().get(id) as number;
      const sizes = new SubtreeSizes(sqliteOf(app));
      const dirs = ['', ...[...fs.nodes()].filter((n) => n.entry.type === 'dir').map((n) => n.path)];
      expect(dirs.length).toBeGreaterThan(5);
      for (const d of dirs) expect(sizes.below(key, d), `/${d}`).toBe(walk(fs, d));
      expect(sizes.below(key, '')).toBeGreaterThan(0);
      if (name === 'prefixed') expect(sizes.below(key, 'usr/lib')).toBe(11);
    });
  }
});
