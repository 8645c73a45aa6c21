import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ComparePackages, ImageSummary } from '@peel/api';
import { build, getJson, removeDir, tempDir, upload } from './helper.js';
import { expectedPackages, makeDpkgImage, type DpkgImage, type StageOracle } from './dpkg-image.js';

/**
 * The packages two sides differ by, on an image whose layers install, upgrade and remove dpkg
 * packages. What each side has is what `dpkg-query` reads from the database that side's layers
 * leave; which of two versions is newer is what `dpkg --compare-versions` says.
 */
function oracleDiff(a: StageOracle, b: StageOracle): Array<{ name: string; change: string; from: string | null; to: string | null }> {
  const out: Array<{ name: string; change: string; from: string | null; to: string | null }> = [];
  const inB = new Map(b.packages.map((p) => [p.name, p]));
  const inA = new Map(a.packages.map((p) => [p.name, p]));
  for (const p of a.packages) {
    const q = inB.get(p.name);
    if (!q) out.push({ name: p.name, change: 'removed', from: p.version, to: null });
    else if (q.version !== p.version) {
      const newer = (() => {
        try {
          execFileSync('dpkg', ['--compare-versions', q.version, 'gt', p.version], { stdio: 'ignore' });
          return true;
        } catch {
          return false;
        }
      })();
      out.push({ name: p.name, change: newer ? 'upgraded' : 'downgraded', from: p.version, to: q.version });
    }
  }
  for (const q of b.packages) if (!inA.has(q.name)) out.push({ name: q.name, change: 'added', from: null, to: q.version });
  return out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

describe('GET /api/compare/packages', () => {
  let dir: string;
  let app: FastifyInstance;
  let img: DpkgImage;
  let id: string;

  beforeAll(async () => {
    dir = await tempDir('peel-compare-packages-');
    const archive = join(dir, 'dpkg.tar');
    img = await makeDpkgImage(archive, dir);
    app = await build(join(dir, 'data'));
    const res = await upload(app, archive);
    expect(res.statusCode, res.body).toBe(201);
    id = (res.json() as ImageSummary).id;
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  const top = () => img.oracle.length - 1;
  const query = (aLayer: number | null, bLayer: number | null) =>
    `/api/compare/packages?a=${id}${aLayer === null ? '' : `&aLayer=${aLayer}`}&b=${id}${bLayer === null ? '' : `&bLayer=${bLayer}`}`;

  it('every pair of layers: added, removed, upgraded and downgraded as dpkg-query and dpkg --compare-versions say', async () => {
    const seen = new Set<string>();
    for (let x = 0; x <= top(); x++) {
      for (let y = 0; y <= top(); y++) {
        const res = await getJson<ComparePackages>(app, query(x, y));
        const got = res.items.map((i) => ({ name: i.name, change: i.change, from: i.a?.version ?? null, to: i.b?.version ?? null }));
        expect(got, `layer ${x} vs layer ${y}`).toEqual(oracleDiff(img.oracle[x], img.oracle[y]));
        expect(res.packages, `layer ${x} vs layer ${y}`).toEqual({ a: img.oracle[x].packages.length, b: img.oracle[y].packages.length });
        expect(res.counts.same).toBe(img.oracle[x].packages.length - res.counts.removed - res.counts.upgraded - res.counts.downgraded);
        for (const i of res.items) seen.add(i.change);
      }
    }
    // The image does make every kind of change somewhere.
    expect([...seen].sort()).toEqual(['added', 'downgraded', 'removed', 'upgraded']);
  });

  it('a whole side sizes its packages by the bytes they own; the layer that installed each is named', async () => {
    const expected = new Map(expectedPackages(img).map((p) => [p.name, p]));
    const res = await getJson<ComparePackages>(app, query(0, null));
    const added = res.items.filter((i) => i.change === 'added');
    expect(added.length).toBeGreaterThan(0);
    for (const i of added) {
      const p = expected.get(i.name)!;
      expect(i.b).toMatchObject({ layer: p.layer, size: p.size, installedSize: p.installedSize });
      expect(i.sizeDelta).toBe(p.size);
    }
    // A side as of a layer below the top has no owned bytes: a change between it and a whole
    // side is measured by the declared sizes on both, never one of each.
    const asOf = await getJson<ComparePackages>(app, query(null, 0));
    const removed = asOf.items.filter((x) => x.change === 'removed');
    expect(removed.length).toBeGreaterThan(0);
    for (const i of removed) expect(i.sizeDelta).toBe(-expected.get(i.name)!.size);
    const changed = (await getJson<ComparePackages>(app, query(1, null))).items.filter((x) => x.change === 'upgraded');
    expect(changed).toHaveLength(1);
    expect(changed[0].a!.size).toBeNull();
    expect(changed[0].sizeDelta).toBe((changed[0].b!.installedSize ?? 0) - (changed[0].a!.installedSize ?? 0));
  });

  it('the same image on both sides: nothing differs; an unknown image is 404, a layer out of range 400', async () => {
    const same = await getJson<ComparePackages>(app, query(null, null));
    expect(same.items).toEqual([]);
    expect(same.counts.same).toBe(img.oracle[top()].packages.length);
    expect((await app.inject(`/api/compare/packages?a=${id}&b=0123456789abcdef`)).statusCode).toBe(404);
    expect((await app.inject(query(99, null))).statusCode).toBe(400);
  });
});
