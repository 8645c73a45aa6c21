import type { ComparePackageItem, ComparePackages, ComparePackageSide, ImagePackage, PackagesResponse } from '@peel/api';
import { compareVersions } from '@peel/engine';
import type { CompareRequest, CompareService, ResolvedSide } from './compare.js';
import type { PackagesService } from './packages.js';

interface SidePackage extends ComparePackageSide {
  ecosystem: ImagePackage['ecosystem'];
  name: string;
  database: string;
}

/**
 * The packages two sides differ by, from each image's package inventory: a side as of layer N
 * has what layers 0..N installed, at the version the last of them left, less what they removed.
 * A draft side has its image's packages (a draft's edits to a package database are not read).
 */
export class ComparePackagesService {
  constructor(private readonly compare: CompareService, private readonly packages: PackagesService) {}

  async changes(req: CompareRequest): Promise<ComparePackages> {
    const [a, b] = await this.compare.sides(req);
    const [inA, inB] = await Promise.all([this.packages.get(a.image.id), this.packages.get(b.image.id)]);
    const sideA = packagesOf(a, inA);
    const sideB = packagesOf(b, inB);
    const items: ComparePackageItem[] = [];
    const counts = { added: 0, removed: 0, upgraded: 0, downgraded: 0, same: 0 };
    for (const [key, pa] of sideA) {
      const pb = sideB.get(key);
      if (!pb) {
        items.push(itemOf(pa, 'removed', pa, null));
        counts.removed++;
        continue;
      }
      const order = pa.version === pb.version ? 0 : compareVersions(pa.ecosystem, pa.version, pb.version);
      if (order === 0) counts.same++;
      else {
        const change = order < 0 ? 'upgraded' : 'downgraded';
        items.push(itemOf(pa, change, pa, pb));
        counts[change]++;
      }
    }
    for (const [key, pb] of sideB) {
      if (sideA.has(key)) continue;
      items.push(itemOf(pb, 'added', null, pb));
      counts.added++;
    }
    items.sort((x, y) => cmp(x.ecosystem, y.ecosystem) || cmp(x.name, y.name) || cmp(x.database, y.database));
    const warnings = [...inA.warnings.map((w) => `A: ${w}`), ...(a.image.id === b.image.id ? [] : inB.warnings.map((w) => `B: ${w}`))];
    for (const [letter, s] of [['A', a], ['B', b]] as const) {
      if (s.draft && s.draft.ops.length > 0) warnings.push(`${letter} is a draft: its packages are its image's (edits to a package database are not read before an export)`);
    }
    return { items, counts, packages: { a: sideA.size, b: sideB.size }, warnings };
  }
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** One package's key on a side: system packages by name and architecture, language packages by their folder too. */
function keyOf(p: ImagePackage): string {
  const place = p.ecosystem === 'npm' || p.ecosystem === 'pypi' ? p.database : '';
  return `${p.ecosystem}\0${p.name}\0${p.arch ?? ''}\0${place}`;
}

/** The packages a side has, each at the version its top layer leaves. */
function packagesOf(side: ResolvedSide, inventory: PackagesResponse): Map<string, SidePackage> {
  const whole = side.asOf === null;
  // A draft side's extra layer holds no package database change the inventory knows of.
  const top = Math.min(side.top, side.layers.length - 1);
  const out = new Map<string, SidePackage>();
  for (const p of inventory.packages) {
    if (p.layer > top || (p.removedIn !== null && p.removedIn <= top)) continue;
    let version = p.upgrades.length ? p.upgrades[0].from : p.version;
    for (const u of p.upgrades) if (u.layer <= top) version = u.to;
    out.set(keyOf(p), {
      ecosystem: p.ecosystem, name: p.name, database: p.database,
      version, arch: p.arch, layer: p.layer, size: whole ? p.size : null, installedSize: p.installedSize,
    });
  }
  return out;
}

function bytesOf(p: ComparePackageSide | null, other: ComparePackageSide | null): number {
  if (!p) return 0;
  // Owned bytes only when both sides have them: a delta never mixes the two measures.
  return (other === null || other.size !== null) && p.size !== null ? p.size : (p.installedSize ?? 0);
}

function itemOf(p: SidePackage, change: ComparePackageItem['change'], a: SidePackage | null, b: SidePackage | null): ComparePackageItem {
  const side = (s: SidePackage | null): ComparePackageSide | null => s && { version: s.version, arch: s.arch, layer: s.layer, size: s.size, installedSize: s.installedSize };
  return {
    ecosystem: p.ecosystem, name: p.name, database: p.database, change, a: side(a), b: side(b),
    sizeDelta: bytesOf(b, a) - bytesOf(a, b),
  };
}
