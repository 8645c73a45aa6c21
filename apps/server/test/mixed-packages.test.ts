import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ComparePackages, ImagePackage, PackagesResponse } from '@peel/api';
import { build, getJson, removeDir, tempDir, upload } from './helper.js';
import {
  byKey, expectedDiff, expectedLayers, expectedPackages, expectedUnowned, makeMixedImage, sortChanges, type ExpectedPackage, type MixedImage,
} from './mixed-packages-image.js';

/** The fields the oracles (dpkg-query, rpm -qa/-ql, the hand-written apk databases) answer. */
const view = (p: ImagePackage | ExpectedPackage) => ({
  ecosystem: p.ecosystem, name: p.name, version: p.version, arch: p.arch, layer: p.layer, upgrades: p.upgrades, removedIn: p.removedIn,
  installedSize: p.installedSize, files: p.files, size: p.size,
});

describe('packages of an image changing dpkg, rpm and apk databases layer by layer', () => {
  let dir: string;
  let app: FastifyInstance;
  let img: MixedImage;
  let expected: ExpectedPackage[];
  let id: string;

  beforeAll(async () => {
    dir = await tempDir('peel-mixed-packages-');
    const archive = join(dir, 'mixed.tar');
    img = await makeMixedImage(archive, dir);
    expected = expectedPackages(img);
    app = await build(join(dir, 'data'));
    const res = await upload(app, archive);
    if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`upload: ${res.statusCode} ${res.body}`);
    id = (res.json() as { id: string }).id;
  });
  afterAll(async () => {
    await app?.close();
    await removeDir(dir);
  });

  it('the fixture installs, upgrades and removes packages of every ecosystem', () => {
    for (const ecosystem of ['deb', 'rpm', 'apk'] as const) {
      const mine = expected.filter((p) => p.ecosystem === ecosystem);
      expect(mine.filter((p) => p.layer === 0).length, ecosystem).toBe(ecosystem === 'deb' ? 3 : 2);
      expect(mine.filter((p) => p.layer === 1), ecosystem).toHaveLength(1);
      expect(mine.filter((p) => p.upgrades.length === 1 && p.upgrades[0]!.layer === 2), ecosystem).toHaveLength(1);
      expect(mine.filter((p) => p.removedIn === 3), ecosystem).toHaveLength(1);
      // What stays owns files of the top layer's filesystem.
      expect(mine.some((p) => p.removedIn === null && p.files > 0), ecosystem).toBe(true);
    }
  });

  it('lists every package with the layers that installed, upgraded and removed it, as the tools read each layer', async () => {
    const res = await getJson<PackagesResponse>(app, `/api/images/${id}/packages`);
    expect(res.warnings).toEqual([]);
    expect(byKey(res.packages).map(view)).toEqual(expected.map(view));
  });

  it('counts per layer what the tools say changed there, and the files no package owns', async () => {
    const res = await getJson<PackagesResponse>(app, `/api/images/${id}/packages`);
    expect(res.layers).toEqual(expectedLayers(img, expected));
    expect({ files: res.unowned.files, bytes: res.unowned.bytes }).toEqual(expectedUnowned(img));
    expect(res.unowned.folders.find((f) => f.path === '/srv/app')).toEqual({ path: '/srv/app', files: 1, bytes: 12_345 });
  });

  it('compares the image as of each layer with its top: the tools\' diff of the two stages', async () => {
    const top = img.stages.length - 1;
    for (let layer = 0; layer < img.stages.length; layer++) {
      const res = await getJson<ComparePackages>(app, `/api/compare/packages?a=${encodeURIComponent(id)}&aLayer=${layer}&b=${encodeURIComponent(id)}`);
      const got = sortChanges(res.items.map((i) => ({ ecosystem: i.ecosystem, name: i.name, change: i.change, from: i.a?.version ?? null, to: i.b?.version ?? null })));
      expect(got, `layer ${layer}`).toEqual(expectedDiff(img, layer, top));
      expect(res.packages, `layer ${layer}`).toEqual({ a: img.oracle[layer]!.length, b: img.oracle[top]!.length });
    }
    // Layer 0 against the top has every kind of change in every ecosystem.
    const changes = expectedDiff(img, 0, top);
    for (const ecosystem of ['deb', 'rpm', 'apk']) {
      expect(new Set(changes.filter((c) => c.ecosystem === ecosystem).map((c) => c.change)), ecosystem).toEqual(new Set(['added', 'removed', 'upgraded']));
    }
  });
});
