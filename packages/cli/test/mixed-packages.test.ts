import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImagePackage, PackageInventory } from '@peel/engine';
import {
  byKey, expectedLayers, expectedPackages, expectedUnowned, makeMixedImage, type ExpectedPackage, type MixedImage,
} from '../../../apps/server/test/mixed-packages-image.js';
import { peel } from './helpers/run.js';
import { tempDir } from './helpers/tmp.js';

/** The fields the oracles (dpkg-query, rpm -qa/-ql, the hand-written apk databases) answer. */
const view = (p: ImagePackage | ExpectedPackage) => ({
  ecosystem: p.ecosystem, name: p.name, version: p.version, arch: p.arch, layer: p.layer, upgrades: p.upgrades, removedIn: p.removedIn,
  installedSize: p.installedSize, files: p.files, size: p.size,
});

describe('peel packages on an image changing dpkg, rpm and apk databases layer by layer', () => {
  let archive: string;
  let img: MixedImage;
  let expected: ExpectedPackage[];
  beforeAll(async () => {
    const dir = await tempDir('peel-mixed-packages');
    archive = join(dir, 'mixed.tar');
    img = await makeMixedImage(archive, dir);
    expected = expectedPackages(img);
  });

  it('--json: every package of every ecosystem, the per-layer counts and the unowned files, as the tools read each layer', async () => {
    const r = await peel(['packages', archive, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as PackageInventory;
    expect(j.warnings).toEqual([]);
    expect(byKey(j.packages).map(view)).toEqual(expected.map(view));
    expect(new Set(j.packages.map((p) => p.ecosystem))).toEqual(new Set(['deb', 'rpm', 'apk']));
    expect(j.layers).toEqual(expectedLayers(img, expected));
    expect({ files: j.unowned.files, bytes: j.unowned.bytes }).toEqual(expectedUnowned(img));
  });

  it('--json --layer N: the packages layer N installed, upgraded or removed, in every ecosystem', async () => {
    for (let layer = 0; layer < img.stages.length; layer++) {
      const r = await peel(['packages', archive, '--json', '--layer', String(layer)]);
      expect(r.code).toBe(0);
      const touched = expected.filter((p) => p.layer === layer || p.removedIn === layer || p.upgrades.some((u) => u.layer === layer));
      expect(touched.length, `layer ${layer}`).toBeGreaterThanOrEqual(3);
      expect(byKey((JSON.parse(r.out) as PackageInventory).packages).map(view), `layer ${layer}`).toEqual(touched.map(view));
    }
  });
});
