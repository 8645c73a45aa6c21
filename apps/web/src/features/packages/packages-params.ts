import type { ImagePackage, PackageEcosystem, PackageSort } from '@peel/api';
import type { PackagesParams } from '../../app/links.js';

export const ECOSYSTEMS: PackageEcosystem[] = ['deb', 'apk', 'rpm', 'npm', 'pypi'];

/** What the Packages view shows, read from its URL. */
export interface PackagesState {
  /** Substring of the name; '' for every package. */
  q: string;
  /** Only what this layer installed, upgraded or removed. */
  layer?: number;
  /** Ecosystems shown; every one when empty. */
  ecosystems: PackageEcosystem[];
  sort: PackageSort;
  /** The selected package, as `packageRef` writes it. */
  pkg?: string;
  /** The files no package owns instead of the packages. */
  unowned: boolean;
}

/** A layer index from the URL: a whole number, else undefined. */
function layerParam(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function readPackagesParams(search: URLSearchParams): PackagesState {
  const wanted = (search.get('ecosystem') ?? '').split(',');
  return {
    q: search.get('q') ?? '',
    layer: layerParam(search.get('layer')),
    ecosystems: ECOSYSTEMS.filter((e) => wanted.includes(e)),
    sort: search.get('sort') === 'size' ? 'size' : 'name',
    pkg: search.get('pkg') || undefined,
    unowned: search.get('view') === 'unowned',
  };
}

/** The `ecosystem` value for the URL and the API: omitted when every ecosystem is shown. */
export function ecosystemParam(ecosystems: readonly PackageEcosystem[]): string | undefined {
  const ordered = ECOSYSTEMS.filter((e) => ecosystems.includes(e));
  return ordered.length === 0 || ordered.length === ECOSYSTEMS.length ? undefined : ordered.join(',');
}

/** One ecosystem switched on or off; switching the last one off shows every ecosystem again. */
export function toggleEcosystem(ecosystems: readonly PackageEcosystem[], ecosystem: PackageEcosystem): PackageEcosystem[] {
  const next = ecosystems.includes(ecosystem) ? ecosystems.filter((e) => e !== ecosystem) : [...ecosystems, ecosystem];
  return ECOSYSTEMS.filter((e) => next.includes(e) && next.length < ECOSYSTEMS.length);
}

/**
 * Names one package among the image's: one database can list a name twice (dpkg's multi-arch
 * `libc6:amd64` and `libc6:i386`), and two databases can list one name (two node_modules), so
 * the reference is `ecosystem:name[:arch]@database`.
 */
export function packageRef(p: Pick<ImagePackage, 'ecosystem' | 'name' | 'arch' | 'database'>): string {
  return `${p.ecosystem}:${p.name}${p.arch ? `:${p.arch}` : ''}@${p.database}`;
}

/** The name a reference names (to search for it), or undefined for a malformed one. */
export function nameOfRef(ref: string): string | undefined {
  const match = /^[a-z]+:([^:@]+)/.exec(ref);
  return match ? match[1] : undefined;
}

/** The URL parameters of a state (for `links.packages`). */
export function toParams(state: PackagesState): PackagesParams {
  return { q: state.q || undefined, layer: state.layer, ecosystem: ecosystemParam(state.ecosystems), sort: state.sort, pkg: state.pkg, unowned: state.unowned };
}
