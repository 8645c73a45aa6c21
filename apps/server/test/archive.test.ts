import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ArchiveEntry, ImageDetail } from '@peel/api';
import { build, FIXTURES, getJson, ingest, readListing, removeDir, tempDir } from './helper.js';

const TYPE: Record<string, string> = { '-': 'file', d: 'dir', l: 'symlink', h: 'hardlink' };

describe('the archive’s own entries', () => {
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

  for (const name of ['multi-docker-legacy', 'multi-skopeo-docker-archive', 'tiny-multiarch-oci', 'multi-containerd-export']) {
    it(`${name}: lists every entry of the outer tar with its size and type`, async () => {
      const id = await ingest(app, name);
      const entries = await getJson<ArchiveEntry[]>(app, `/api/images/${id}/archive`);
      const want = readListing(join(FIXTURES, `${name}.oracle/archive-entries.tsv`)).filter((e) => e.path !== '.');
      const got = entries.map((e) => [e.path, e.type, e.size, e.linkTarget ?? ''].join('\t')).sort();
      expect(got).toEqual(want.map((e) => [e.path, TYPE[e.type] ?? 'other', e.size, e.link].join('\t')).sort());
      for (const e of entries.filter((x) => x.type === 'file')) {
        expect(e.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
        expect(e.role).not.toBe('unknown');
      }
      // Every layer the image uses is labelled with its index.
      const detail = await getJson<ImageDetail>(app, `/api/images/${id}`);
      const layerEntries = entries.filter((e) => e.layer !== undefined);
      expect(new Set(layerEntries.map((e) => e.layer))).toEqual(new Set(detail.layers.map((l) => l.index)));
    });
  }

  it('serves archive entries: JSON as JSON, blobs as bytes, layer symlinks resolved in the archive', async () => {
    const id = await ingest(app, 'multi-skopeo-docker-archive');
    const manifest = await app.inject(`/api/images/${id}/archive/content?path=manifest.json`);
    expect(manifest.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(manifest.headers['content-security-policy']).toMatch(/^sandbox/);
    const parsed = manifest.json() as Array<{ Layers: string[]; Config: string }>;
    expect(parsed[0].Layers).toHaveLength(13);
    const config = await app.inject(`/api/images/${id}/archive/content?path=${parsed[0].Config}`);
    const detail = await getJson<ImageDetail>(app, `/api/images/${id}`);
    expect(`sha256:${createHash('sha256').update(config.rawPayload).digest('hex')}`).toBe(detail.configDigest);

    const entries = await getJson<ArchiveEntry[]>(app, `/api/images/${id}/archive`);
    const link = entries.find((e) => e.type === 'symlink')!;
    const viaLink = await app.inject(`/api/images/${id}/archive/content?path=${encodeURIComponent(link.path)}`);
    expect(viaLink.statusCode).toBe(200);
    const target = link.linkTarget!.replace('../', '');
    const direct = await app.inject(`/api/images/${id}/archive/content?path=${target}`);
    expect(viaLink.rawPayload.equals(direct.rawPayload)).toBe(true);
    expect(direct.headers['content-type']).toBe('application/octet-stream');
    const ranged = await app.inject({ url: `/api/images/${id}/archive/content?path=${target}`, headers: { range: 'bytes=257-261' } });
    expect(ranged.statusCode).toBe(206);
    expect(ranged.body).toBe('ustar');

    expect((await app.inject(`/api/images/${id}/archive/content?path=nope.json`)).statusCode).toBe(404);
    const dirEntry = entries.find((e) => e.type === 'dir');
    if (dirEntry) expect((await app.inject(`/api/images/${id}/archive/content?path=${dirEntry.path}`)).statusCode).toBe(400);
  });

  it('reads the OCI index of a multi-platform archive', async () => {
    const id = await ingest(app, 'tiny-multiarch-oci');
    const index = await app.inject(`/api/images/${id}/archive/content?path=index.json`);
    expect(index.headers['content-type']).toBe('application/json; charset=utf-8');
    const entry = (await getJson<ArchiveEntry[]>(app, `/api/images/${id}/archive`)).find((e) => e.path === 'index.json')!;
    expect(entry.role).toBe('index.json');
    expect(`sha256:${createHash('sha256').update(index.rawPayload).digest('hex')}`).toBe(entry.digest);
    expect((index.json() as { manifests: unknown[] }).manifests.length).toBeGreaterThan(0);
  });
});
