import type { ImagePackage, LayerPackageCounts } from '@peel/api';
import { formatSize } from '../../lib/format-size.js';
import { plural } from '../../lib/plural.js';

/**
 * "installed 37 packages (112 MB), upgraded 2, removed 1": only what happened, the noun with
 * the first count.
 */
export function layerCountsText(c: LayerPackageCounts): string {
  const parts: string[] = [];
  const add = (verb: string, count: number, extra = '') => {
    if (count) parts.push(`${verb} ${parts.length ? count.toLocaleString('en-US') : plural(count, 'package')}${extra}`);
  };
  add('installed', c.installed, ` (${formatSize(c.bytes)})`);
  add('upgraded', c.upgraded);
  add('removed', c.removed);
  return parts.length ? parts.join(', ') : 'changed no package';
}

/** One step of a package's life, oldest first. */
export interface PackageStep {
  layer: number;
  kind: 'installed' | 'upgraded' | 'removed';
  /** The version installed, "from → to", or '' for a removal. */
  versions: string;
  /** The whole step in words. */
  text: string;
}

/** The version the package was installed with: the first upgrade's `from`, else the final one. */
export function installedVersion(p: ImagePackage): string {
  return p.upgrades.length ? p.upgrades[0].from : p.version;
}

/** "installed 1.2 in layer 2", "1.2 → 1.3 in layer 5", "removed in layer 7". */
export function packageHistory(p: ImagePackage): PackageStep[] {
  const steps: PackageStep[] = [{ layer: p.layer, kind: 'installed', versions: installedVersion(p), text: `installed ${installedVersion(p)} in layer ${p.layer}` }];
  for (const u of p.upgrades) steps.push({ layer: u.layer, kind: 'upgraded', versions: `${u.from} → ${u.to}`, text: `${u.from} → ${u.to} in layer ${u.layer}` });
  if (p.removedIn !== null) steps.push({ layer: p.removedIn, kind: 'removed', versions: '', text: `removed in layer ${p.removedIn}` });
  return steps;
}

/** What a layer did to a package, for a list filtered by that layer. */
export function changeIn(p: ImagePackage, layer: number): PackageStep['kind'] | null {
  if (p.removedIn === layer) return 'removed';
  if (p.upgrades.some((u) => u.layer === layer)) return 'upgraded';
  if (p.layer === layer) return 'installed';
  return null;
}
