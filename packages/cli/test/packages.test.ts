import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImagePackage, PackageInventory } from '@peel/engine';
import { expectedPackages, expectedUnowned, makeDpkgImage, type DpkgImage, type ExpectedPackage } from '../../../apps/server/test/dpkg-image.js';
import { peel } from './helpers/run.js';
import { tempDir } from './helpers/tmp.js';

/** The fields the oracle (dpkg-query over each layer's database) answers. */
const view = (p: ImagePackage | ExpectedPackage) => ({
  name: p.name, version: p.version, arch: p.arch, layer: p.layer, upgrades: p.upgrades, removedIn: p.removedIn,
  installedSize: p.installedSize, files: p.files, size: p.size,
});
const byName = <T extends { name: string }>(list: T[]): T[] => [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

describe('peel packages', () => {
  let dir: string;
  let archive: string;
  let img: DpkgImage;
  let expected: ExpectedPackage[];
  beforeAll(async () => {
    dir = await tempDir('peel-packages');
    archive = join(dir, 'dpkg.tar');
    img = await makeDpkgImage(archive, dir);
    expected = expectedPackages(img);
  });

  it('--json: every package with the layers that installed, upgraded and removed it, as dpkg-query reads each layer', async () => {
    const r = await peel(['packages', archive, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as PackageInventory & { source: string };
    expect(byName(j.packages).map(view)).toEqual(expected.map(view));
    expect(j.layers.map((l) => [l.layer, l.installed, l.upgraded, l.removed])).toEqual(img.stages.map((_, layer) => [
      layer,
      expected.filter((p) => p.layer === layer).length,
      expected.filter((p) => p.upgrades.some((u) => u.layer === layer)).length,
      expected.filter((p) => p.removedIn === layer).length,
    ]));
    expect({ files: j.unowned.files, bytes: j.unowned.bytes }).toEqual(expectedUnowned(img));
    expect(j.warnings).toEqual([]);
  });

  it('--layer N keeps what layer N installed, upgraded or removed; the table names them', async () => {
    for (const layer of [1, 2, 4]) {
      const r = await peel(['packages', archive, '--json', '--layer', String(layer)]);
      expect(r.code).toBe(0);
      const touched = expected.filter((p) => p.layer === layer || p.removedIn === layer || p.upgrades.some((u) => u.layer === layer));
      expect(byName((JSON.parse(r.out) as PackageInventory).packages).map((p) => p.name)).toEqual(touched.map((p) => p.name));
    }
    const upgraded = expected.find((p) => p.upgrades.length > 0)!;
    const text = await peel(['packages', archive, '--layer', '2']);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`${upgraded.upgrades[0].from} → ${upgraded.upgrades[0].to} in 2`);
    const removed = expected.find((p) => p.removedIn !== null)!;
    expect((await peel(['packages', archive])).out).toMatch(new RegExp(`${removed.name.replace(/[.+]/g, '\\$&')} .*removed in ${removed.removedIn}`));
  });

  it('exits 1 for a --layer that is not a number, 2 for one the image does not have', async () => {
    const usage = await peel(['packages', archive, '--layer', 'top']);
    expect(usage.code).toBe(1);
    const input = await peel(['packages', archive, '--layer', String(img.stages.length)]);
    expect(input.code).toBe(2);
    expect(input.stderr).toContain(`no layer ${img.stages.length}`);
  });

  it('inspect --json has the packages by default: peel packages --json\'s and dpkg-query\'s; --no-packages leaves them out', async () => {
    const r = await peel(['inspect', archive, '--json']);
    expect(r.code).toBe(0);
    const inspected = (JSON.parse(r.out) as { packages: PackageInventory }).packages;
    expect(byName(inspected.packages).map(view)).toEqual(expected.map(view));
    const listed = JSON.parse((await peel(['packages', archive, '--json'])).out) as PackageInventory & { source: string };
    const { source: _source, ...inventory } = listed;
    expect(inspected).toEqual(inventory);
    // --packages (the default now) is still accepted, and gives the same document.
    const asked = await peel(['inspect', archive, '--json', '--packages']);
    expect(asked.code).toBe(0);
    expect((JSON.parse(asked.out) as { packages: PackageInventory }).packages).toEqual(inspected);
    const without = await peel(['inspect', archive, '--json', '--no-packages']);
    expect(without.code).toBe(0);
    const { packages: _packages, ...rest } = JSON.parse(r.out) as Record<string, unknown>;
    expect(JSON.parse(without.out)).toEqual(rest);
  });

  it('inspect: --packages or --no-packages without --json, or both together, are usage errors (exit 1)', async () => {
    for (const args of [['--packages'], ['--no-packages'], ['--json', '--packages', '--no-packages']]) {
      const r = await peel(['inspect', archive, ...args]);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
    }
  });
});
