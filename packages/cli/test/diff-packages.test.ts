import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PackageComparison } from '@peel/engine';
import { makeDpkgImage, type DpkgImage } from '../../../apps/server/test/dpkg-image.js';
import { EXIT } from '../src/exit-codes.js';
import { peel } from './helpers/run.js';
import { tempDir } from './helpers/tmp.js';

/** What dpkg-query reads at two layers, and which version dpkg calls newer: the oracle. */
function oracleChanges(img: DpkgImage, x: number, y: number): Array<[string, string, string | null, string | null]> {
  const a = new Map(img.oracle[x].packages.map((p) => [p.name, p.version]));
  const b = new Map(img.oracle[y].packages.map((p) => [p.name, p.version]));
  const out: Array<[string, string, string | null, string | null]> = [];
  for (const [name, va] of a) {
    const vb = b.get(name);
    if (vb === undefined) out.push([name, 'removed', va, null]);
    else if (vb !== va) {
      let newer = true;
      try {
        execFileSync('dpkg', ['--compare-versions', vb, 'gt', va], { stdio: 'ignore' });
      } catch {
        newer = false;
      }
      out.push([name, newer ? 'upgraded' : 'downgraded', va, vb]);
    }
  }
  for (const [name, vb] of b) if (!a.has(name)) out.push([name, 'added', null, vb]);
  return out.sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0));
}

describe('peel diff --packages', () => {
  let dir: string;
  let archive: string;
  let img: DpkgImage;
  beforeAll(async () => {
    dir = await tempDir('peel-diff-packages');
    archive = join(dir, 'dpkg.tar');
    img = await makeDpkgImage(archive, dir);
  });

  it('--json: the packages layers 1.. changed, as dpkg-query and dpkg --compare-versions say', async () => {
    for (const since of [0, 1, 2]) {
      const r = await peel(['diff', archive, '--since-layer', String(since), '--packages', '--json']);
      expect(r.code, r.stderr).toBe(EXIT.different);
      const p = (JSON.parse(r.out) as { packages: PackageComparison }).packages;
      expect(p.items.map((i) => [i.name, i.change, i.a?.version ?? null, i.b?.version ?? null]), `since ${since}`).toEqual(oracleChanges(img, since, img.oracle.length - 1));
      expect(p.packages).toEqual({ a: img.oracle[since].packages.length, b: img.oracle[img.oracle.length - 1].packages.length });
    }
  });

  it('text and --stat name each package change; without --packages nothing about packages is read or shown', async () => {
    const text = await peel(['diff', archive, '--since-layer', '1', '--packages']);
    const expected = oracleChanges(img, 1, img.oracle.length - 1);
    expect(expected.length).toBeGreaterThan(0);
    for (const [name, change] of expected) expect(text.out).toMatch(new RegExp(`${{ added: '\\+', removed: '-', upgraded: '↑', downgraded: '↓' }[change]} deb:${name.replace(/[+.]/g, '\\$&')} `));
    const stat = await peel(['diff', archive, '--since-layer', '1', '--packages', '--stat']);
    expect(stat.out.split('\n').filter((l) => l.startsWith('package ')).length).toBe(expected.length);
    const plain = await peel(['diff', archive, '--since-layer', '1', '--json']);
    expect(JSON.parse(plain.out)).not.toHaveProperty('packages');
  });
});
