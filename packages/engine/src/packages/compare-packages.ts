import type { Ecosystem, ImagePackage } from './types.js';
import { packageVersionAt } from './find-packages.js';
import { compareVersions } from './versions.js';

/** One side of a package comparison: an image's attributed packages, read as of its layer `top`. */
export interface PackageSide {
  packages: readonly ImagePackage[];
  /** The side's top layer (its layers 0..top). */
  top: number;
  /** The side is its whole image: the packages' owned bytes are that side's. */
  whole: boolean;
}

/** A package as one side has it. */
export interface PackageState {
  version: string;
  arch: string | null;
  /** The layer that installed it. */
  layer: number;
  /** Bytes of the files it owns on that side; null as of a layer below the top (not measured). */
  size: number | null;
  installedSize: number | null;
}

export type PackageChangeKind = 'added' | 'removed' | 'upgraded' | 'downgraded';

export interface PackageChange {
  ecosystem: Ecosystem;
  name: string;
  database: string;
  change: PackageChangeKind;
  a: PackageState | null;
  b: PackageState | null;
  /** B's bytes minus A's: owned bytes where both sides have them, else the declared sizes. */
  sizeDelta: number;
}

export interface PackageComparison {
  /** By ecosystem, name, database. */
  items: PackageChange[];
  counts: Record<PackageChangeKind | 'same', number>;
  /** Packages on each side. */
  packages: { a: number; b: number };
}

interface Keyed extends PackageState {
  ecosystem: Ecosystem;
  name: string;
  database: string;
}

/**
 * The packages two sides differ by. A side as of layer N has what layers 0..N installed, at the
 * version the last of them left, less what they removed; packages are matched by ecosystem,
 * name and architecture (language packages by their folder too: one name lives in many
 * node_modules); which of two versions is newer is the package manager's own order.
 */
export function comparePackages(a: PackageSide, b: PackageSide): PackageComparison {
  const sideA = statesOf(a);
  const sideB = statesOf(b);
  const items: PackageChange[] = [];
  const counts = { added: 0, removed: 0, upgraded: 0, downgraded: 0, same: 0 };
  for (const [key, pa] of sideA) {
    const pb = sideB.get(key);
    if (!pb) {
      items.push(changeOf(pa, 'removed', pa, null));
      counts.removed++;
      continue;
    }
    const order = pa.version === pb.version ? 0 : compareVersions(pa.ecosystem, pa.version, pb.version);
    if (order === 0) {
      counts.same++;
      continue;
    }
    const change = order < 0 ? 'upgraded' : 'downgraded';
    items.push(changeOf(pa, change, pa, pb));
    counts[change]++;
  }
  for (const [key, pb] of sideB) {
    if (sideA.has(key)) continue;
    items.push(changeOf(pb, 'added', null, pb));
    counts.added++;
  }
  items.sort((x, y) => cmp(x.ecosystem, y.ecosystem) || cmp(x.name, y.name) || cmp(x.database, y.database));
  return { items, counts, packages: { a: sideA.size, b: sideB.size } };
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

function keyOf(p: ImagePackage): string {
  const place = p.ecosystem === 'npm' || p.ecosystem === 'pypi' ? p.database : '';
  return `${p.ecosystem}\0${p.name}\0${p.arch ?? ''}\0${place}`;
}

function statesOf(side: PackageSide): Map<string, Keyed> {
  const out = new Map<string, Keyed>();
  for (const p of side.packages) {
    const version = packageVersionAt(p, side.top);
    if (version === null) continue;
    out.set(keyOf(p), {
      ecosystem: p.ecosystem, name: p.name, database: p.database,
      version, arch: p.arch, layer: p.layer, size: side.whole ? p.size : null, installedSize: p.installedSize,
    });
  }
  return out;
}

/** Owned bytes only when both sides have them: a delta never mixes the two measures. */
function bytesOf(p: PackageState | null, other: PackageState | null): number {
  if (!p) return 0;
  return (other === null || other.size !== null) && p.size !== null ? p.size : (p.installedSize ?? 0);
}

function changeOf(p: Keyed, change: PackageChangeKind, a: Keyed | null, b: Keyed | null): PackageChange {
  const state = (s: Keyed | null): PackageState | null => s && { version: s.version, arch: s.arch, layer: s.layer, size: s.size, installedSize: s.installedSize };
  return { ecosystem: p.ecosystem, name: p.name, database: p.database, change, a: state(a), b: state(b), sizeDelta: bytesOf(b, a) - bytesOf(a, b) };
}
