import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ComparePage, CompareSummary } from '@peel/api';
import { build, getJson, ingest, removeDir, tempDir } from './helper.js';

describe('comparing two images', () => {
  let dir: string;
  let app: FastifyInstance;
  let legacy: string;
  let oci: string;

  beforeAll(async () => {
    dir = await tempDir();
    app = await build(join(dir, 'data'));
    legacy = await ingest(app, 'multi-docker-legacy');
    oci = await ingest(app, 'multi-oci');
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('smoke', async () => {
    const s = await getJson<CompareSummary>(app, `/api/compare?a=${legacy}&b=${oci}`);
    console.log(JSON.stringify(s.fs), s.identical, s.layers.text);
    const s2 = await getJson<CompareSummary>(app, `/api/compare?a=${legacy}&aLayer=9&b=${legacy}&bLayer=10`);
    console.log(JSON.stringify(s2.fs), s2.identical, s2.layers.text);
    const p = await getJson<ComparePage>(app, `/api/compare/changes?a=${legacy}&aLayer=9&b=${legacy}&bLayer=10&paged=1&mtime=1`);
    console.log(JSON.stringify(p, null, 1).slice(0, 3000));
    const f = await getJson<ComparePage>(app, `/api/compare/fs?a=${legacy}&aLayer=2&b=${oci}&paged=1&path=/opt/app`);
    console.log(JSON.stringify(f.items.map((i) => [i.path, i.change, i.changesBelow, i.a?.layer, i.b?.layer])));
  });
});
