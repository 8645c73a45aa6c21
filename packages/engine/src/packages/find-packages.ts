/**
 * Finds an image's packages and attributes each to the layer that installed it. Every layer that
 * touches a database's watched paths has its own merged copy of that database read; a layer that
 * touches none keeps the database as it was, unread. A package belongs to the first layer whose
 * database lists it; a later layer listing another version upgrades (or downgrades) it; a later
 * layer whose database no longer lists it removes it (it stays listed, with its last version).
 * Sizes come from one streamed pass over the final filesystem's regular files.
 */
import { packageReaders } from './readers.js';
import { nextSlice, sliceDue } from './slices.js';
import { LANGUAGE_MANIFEST_NAMES, languageLocationOf, readLanguagePackage, type LanguageLocation } from './language.js';
import type {
  Ecosystem, ImagePackage, LayerFiles, LayerPackageCounts, PackageDatabaseReader, PackageImage, PackageInventory,
  PackageLimits, PackageRecord, ParsedDatabase, UnownedFiles, UnownedFolder,
} from './types.js';

export const DEFAULT_PACKAGE_LIMITS: PackageLimits = {
  maxDatabaseBytes: 64 * 1024 * 1024,
  maxLineBytes: 1024 * 1024,
  maxPackages: 100_000,
};

export interface FindPackagesOptions {
  /** The system databases to read (default: packageReaders). */
  readers?: readonly PackageDatabaseReader[];
  limits?: Partial<PackageLimits>;
  /** Look for npm and Python packages too, when the image view can find files by name (default true). */
  languages?: boolean;
  /** Language package manifests considered at most (each is read in every layer that touches it). */
  maxLanguagePackages?: number;
  /** Owned paths kept at most, all packages together (memory). */
  maxOwnedPaths?: number;
  /** Unowned folders listed, largest first. */
  maxUnownedFolders?: number;
  /** Bytes of database files kept between layers, so that a file no later layer touched is not read again. */
  maxCachedBytes?: number;
  signal?: AbortSignal;
  /** Called after each layer's databases are read. */
  onLayer?: (layer: number, layers: number) => void;
  /**
   * Called for each regular file of the final filesystem that packages own, with their indexes
   * in the returned `packages` (so that a file's detail can name its package).
   */
  onOwnedFile?: (path: string, packages: readonly number[]) => void;
}

export const DEFAULT_FIND_OPTIONS = {
  maxLanguagePackages: 20_000,
  maxOwnedPaths: 4_000_000,
  maxUnownedFolders: 200,
  maxCachedBytes: 64 * 1024 * 1024,
};

/** Warnings kept; past it one line says how many more there were. */
const MAX_WARNINGS = 200;
/** Folders the unowned files are grouped in at most; past it they go to their top folder. */
const MAX_UNOWNED_GROUPS = 100_000;

/** A database as findPackages reads it: a system reader or one language package's manifest. */
interface Database {
  ecosystem: Ecosystem;
  watches: readonly string[];
  read(files: LayerFiles, limits: PackageLimits): Promise<ParsedDatabase | null>;
  /** An npm package: owns every file below this folder (not a nested package's). */
  tree: string | null;
}

interface Tracked {
  record: PackageRecord;
  database: string;
  layer: number;
  upgrades: Array<{ layer: number; from: string; to: string }>;
  removedIn: number | null;
  tree: string | null;
  size: number;
  files: number;
}

export async function findPackages(image: PackageImage, options: FindPackagesOptions = {}): Promise<PackageInventory> {
  const found = await findPackagesLazily(image, options);
  if (found.unowned !== null) return found as PackageInventory;
  const { unowned, warnings } = await unownedFiles(image, options);
  return { ...found, unowned, warnings: [...found.warnings, ...warnings] };
}

/**
 * What findPackagesLazily found: findPackages's answer, except that `unowned` is null when no
 * database listed a package — then every file is unowned and nothing needs sizing, so the walk of
 * the final files was left out (`unownedFiles` lists them when someone asks).
 */
export type LazyPackageInventory = Omit<PackageInventory, 'unowned'> & { unowned: UnownedFiles | null };

/** findPackages, without the walk of the final files when no database listed a package. */
export async function findPackagesLazily(image: PackageImage, options: FindPackagesOptions = {}): Promise<LazyPackageInventory> {
  const limits: PackageLimits = { ...DEFAULT_PACKAGE_LIMITS, ...options.limits };
  const warnings = new Warnings();
  const databases: Database[] = (options.readers ?? packageReaders).map((r) => ({
    ecosystem: r.ecosystem,
    watches: r.watches,
    read: (files, l) => r.read(files, l),
    tree: null,
  }));
  if (options.languages !== false && image.findByName) {
    for (const loc of await languageLocations(image, options.maxLanguagePackages ?? DEFAULT_FIND_OPTIONS.maxLanguagePackages, warnings)) {
      databases.push({ ecosystem: loc.ecosystem, watches: loc.watches, read: (files, l) => readLanguagePackage(loc, files, l), tree: loc.ecosystem === 'npm' ? loc.root : null });
    }
  }

  const cache = new ReadCache(image, options.maxCachedBytes ?? DEFAULT_FIND_OPTIONS.maxCachedBytes, options.signal);
  const tracked: Tracked[] = [];
  // Per database: key → index in `tracked` of what its last read copy listed.
  const alive: Array<Map<string, number>> = databases.map(() => new Map());
  for (let layer = 0; layer < image.layerCount; layer++) {
    options.signal?.throwIfAborted();
    let files: LayerFiles | null = null;
    for (let d = 0; d < databases.length; d++) {
      const db = databases[d];
      if (sliceDue()) await nextSlice(options.signal);
      if (!(await image.touches(layer, db.watches))) continue;
      files ??= cache.view(layer, image.asOf(layer));
      let parsed: ParsedDatabase | null;
      try {
        parsed = await db.read(files, limits);
      } catch (e) {
        warnings.add(`layer ${layer}: a ${db.ecosystem} database could not be read (${(e as Error).message}); its packages are kept as the layer below had them`);
        continue;
      }
      for (const w of parsed?.warnings ?? []) warnings.add(`layer ${layer}: ${w}`);
      const before = alive[d];
      if (parsed && parsed.packages.length === 0 && parsed.warnings.length > 0 && before.size > 0) {
        warnings.add(`layer ${layer}: ${parsed.location} could not be read; its packages are kept as the layer below had them`);
        continue;
      }
      alive[d] = applyDatabase(parsed, before, tracked, layer, db.tree);
    }
    options.onLayer?.(layer, image.layerCount);
  }

  // No package: nothing to size, and every file is unowned — the walk is left to whoever asks.
  if (tracked.length === 0) return { packages: [], layers: layerCounts(image.layerCount, []), unowned: null, warnings: warnings.list() };
  // In the order of the answer, so that indexes handed to onOwnedFile are the answer's.
  tracked.sort((a, b) => byIdentity(imagePackageOf(a), imagePackageOf(b)));
  const owners = await ownersOf(image, tracked, options, warnings);
  const unowned = await measureFinalFiles(image, tracked, owners, options, warnings);
  const packages = tracked.map(imagePackageOf);
  return { packages, layers: layerCounts(image.layerCount, packages), unowned, warnings: warnings.list() };
}

/** The final filesystem's regular files grouped by folder, as unowned files of an image without packages. */
export async function unownedFiles(image: PackageImage, options: Pick<FindPackagesOptions, 'maxUnownedFolders' | 'signal'> = {}): Promise<{ unowned: UnownedFiles; warnings: string[] }> {
  const warnings = new Warnings();
  const unowned = await measureFinalFiles(image, [], { exact: new Map(), more: new Map(), trees: new Map() }, options, warnings);
  return { unowned, warnings: warnings.list() };
}

/** The candidate manifests findByName gives, as language package locations (bounded). */
async function languageLocations(image: PackageImage, max: number, warnings: Warnings): Promise<LanguageLocation[]> {
  const out: LanguageLocation[] = [];
  let seen = 0;
  // Ask for a few more than kept: not every package.json is a package's.
  for await (const path of image.findByName!(LANGUAGE_MANIFEST_NAMES, max * 4)) {
    if (++seen > max * 4) break;
    const loc = languageLocationOf(path);
    if (!loc) continue;
    if (out.length >= max) {
      warnings.add(`more than ${max} npm/Python packages: the rest are not listed`);
      break;
    }
    out.push(loc);
  }
  return out;
}

/** Compares one database copy with what the layer below had, recording installs, upgrades and removals. */
function applyDatabase(parsed: ParsedDatabase | null, before: Map<string, number>, tracked: Tracked[], layer: number, tree: string | null): Map<string, number> {
  const now = new Map<string, number>();
  for (const record of parsed?.packages ?? []) {
    let key = `${record.name}\0${record.arch ?? ''}`;
    // rpm keeps several versions of one name (kernel, gpg-pubkey): each is its own package.
    if (now.has(key)) key += `\0${record.version}`;
    if (now.has(key)) continue;
    const i = before.get(key);
    if (i === undefined) {
      now.set(key, tracked.length);
      tracked.push({ record, database: parsed!.location, layer, upgrades: [], removedIn: null, tree, size: 0, files: 0 });
      continue;
    }
    const t = tracked[i];
    if (t.record.version !== record.version) t.upgrades.push({ layer, from: t.record.version, to: record.version });
    t.record = record;
    t.database = parsed!.location;
    now.set(key, i);
  }
  for (const [key, i] of before) {
    if (now.has(key)) continue;
    const t = tracked[i];
    t.removedIn = layer;
    t.record = { ...t.record, files: [] };
  }
  return now;
}

/** Exact owned paths → owner (the first; `more` holds the rest), and npm trees. */
interface Owners {
  exact: Map<string, number>;
  more: Map<string, number[]>;
  trees: Map<string, number>;
}

/** Maps every owned path to its owner, folders resolved as the final filesystem has them (bounded). */
async function ownersOf(image: PackageImage, tracked: Tracked[], options: FindPackagesOptions, warnings: Warnings): Promise<Owners> {
  const max = options.maxOwnedPaths ?? DEFAULT_FIND_OPTIONS.maxOwnedPaths;
  const o: Owners = { exact: new Map(), more: new Map(), trees: new Map() };
  // Each folder the packages name is resolved once (a merged-/usr image: /bin → /usr/bin).
  const realDirs = new Map<string, string | null>();
  const real = async (dir: string): Promise<string | null> => {
    let r = realDirs.get(dir);
    if (r === undefined) realDirs.set(dir, (r = await image.realDir(dir)));
    return r;
  };
  let full = false;
  for (let i = 0; i < tracked.length && !full; i++) {
    const t = tracked[i];
    if (t.removedIn !== null) continue;
    if (t.tree !== null) {
      const root = await real(t.tree);
      if (root !== null) o.trees.set(root, i);
    }
    // A list names its paths folder by folder: the folder of the path before is usually this one's.
    let prefix = ''; // the folder of the path before, with its trailing `/`
    let folder = '';
    let dir: string | null = null;
    for (const path of t.record.files) {
      if (sliceDue()) await nextSlice(options.signal);
      const slash = path.lastIndexOf('/');
      if (slash + 1 !== prefix.length || !path.startsWith(prefix)) {
        prefix = path.slice(0, slash + 1);
        folder = slash <= 0 ? '/' : path.slice(0, slash);
        dir = await real(folder);
      }
      if (dir === null) continue;
      const key = dir === folder ? path : dir === '/' ? path.slice(slash) : dir + path.slice(slash);
      const first = o.exact.get(key);
      if (first === undefined) {
        if (o.exact.size >= max) {
          warnings.add(`the packages own more than ${max} paths: ownership is counted for the first ${max} only`);
          full = true;
          break;
        }
        o.exact.set(key, i);
      } else if (first !== i) {
        const more = o.more.get(key);
        if (!more) o.more.set(key, [i]);
        else if (!more.includes(i)) more.push(i);
      }
    }
    // Only the counts are kept past this point.
    t.record = { ...t.record, files: [] };
  }
  return o;
}

/** One pass over the final regular files: each package's size and count, and what no package owns. */
async function measureFinalFiles(image: PackageImage, tracked: Tracked[], o: Owners, options: Pick<FindPackagesOptions, 'maxUnownedFolders' | 'onOwnedFile' | 'signal'>, warnings: Warnings): Promise<UnownedFiles> {
  const groups = new Map<string, UnownedFolder>();
  let files = 0;
  let bytes = 0;
  let regrouped = false;
  for await (const f of image.finalFiles()) {
    if (sliceDue()) await nextSlice(options.signal);
    const ownedBy: number[] = [];
    const first = o.exact.get(f.path);
    if (first !== undefined) ownedBy.push(first, ...(o.more.get(f.path) ?? []));
    if (o.trees.size > 0 && f.path.includes('/node_modules/')) {
      const i = treeOwner(o.trees, f.path);
      if (i !== undefined) ownedBy.push(i);
    }
    if (ownedBy.length > 0) {
      for (const i of ownedBy) credit(tracked[i], f.size);
      options.onOwnedFile?.(f.path, ownedBy);
      continue;
    }
    files++;
    bytes += f.size;
    let dir = f.path.slice(0, Math.max(1, f.path.lastIndexOf('/')));
    if (!groups.has(dir) && groups.size >= MAX_UNOWNED_GROUPS) {
      regrouped = true;
      dir = topFolder(dir);
    }
    let g = groups.get(dir);
    if (!g) groups.set(dir, (g = { path: dir, files: 0, bytes: 0 }));
    g.files++;
    g.bytes += f.size;
  }
  if (regrouped) warnings.add(`unowned files lie in more than ${MAX_UNOWNED_GROUPS} folders: the rest are counted under their top folder`);
  const folders = [...groups.values()].sort((a, b) => b.bytes - a.bytes || b.files - a.files || (a.path < b.path ? -1 : 1));
  return { files, bytes, folders: folders.slice(0, options.maxUnownedFolders ?? DEFAULT_FIND_OPTIONS.maxUnownedFolders) };
}

function credit(t: Tracked, size: number): void {
  t.size += size;
  t.files++;
}

/** The deepest npm package folder holding `path`. */
function treeOwner(trees: Map<string, number>, path: string): number | undefined {
  for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
    const i = trees.get(path.slice(0, end));
    if (i !== undefined) return i;
  }
  return undefined;
}

/** `/a/b/c/d` → `/a/b`. */
function topFolder(dir: string): string {
  const parts = dir.split('/');
  return parts.length <= 3 ? dir : parts.slice(0, 3).join('/');
}

/**
 * The version a package had in the filesystem as of `layer` (that layer applied), or null when it
 * was not installed then: before the layer that installed it, or from the layer that removed it.
 */
export function packageVersionAt(p: Pick<ImagePackage, 'layer' | 'version' | 'upgrades' | 'removedIn'>, layer: number): string | null {
  if (layer < p.layer || (p.removedIn !== null && p.removedIn <= layer)) return null;
  let version = p.upgrades.length > 0 ? p.upgrades[0].from : p.version;
  for (const u of p.upgrades) if (u.layer <= layer) version = u.to;
  return version;
}

function imagePackageOf(t: Tracked): ImagePackage {
  const r = t.record;
  return {
    ecosystem: r.ecosystem,
    name: r.name,
    version: r.version,
    arch: r.arch,
    layer: t.layer,
    upgrades: t.upgrades,
    removedIn: t.removedIn,
    size: t.size,
    installedSize: r.installedSize,
    files: t.files,
    source: r.source,
    license: r.license,
    database: t.database,
  };
}

function byIdentity(a: ImagePackage, b: ImagePackage): number {
  return cmp(a.ecosystem, b.ecosystem) || cmp(a.name, b.name) || cmp(a.arch ?? '', b.arch ?? '') || cmp(a.database, b.database) || cmp(a.version, b.version);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function layerCounts(layerCount: number, packages: ImagePackage[]): LayerPackageCounts[] {
  const layers = Array.from({ length: layerCount }, (_, layer) => ({ layer, installed: 0, upgraded: 0, removed: 0, bytes: 0 }));
  for (const p of packages) {
    const l = layers[p.layer];
    if (l) {
      l.installed++;
      l.bytes += p.size;
    }
    for (const u of p.upgrades) if (layers[u.layer]) layers[u.layer].upgraded++;
    if (p.removedIn !== null && layers[p.removedIn]) layers[p.removedIn].removed++;
  }
  return layers;
}

/**
 * Database files read in an earlier layer that no layer since touched, handed out again instead
 * of read again: a layer that rewrites dpkg's status would otherwise re-read every `.list`.
 */
class ReadCache {
  private readonly kept = new Map<string, { layer: number; bytes: Buffer }>();
  private bytes = 0;
  constructor(private readonly image: PackageImage, private readonly maxBytes: number, private readonly signal?: AbortSignal) {}

  view(layer: number, files: LayerFiles): LayerFiles {
    return {
      list: (dir) => files.list(dir),
      read: async (path, maxBytes) => {
        // Every database file read passes here: the readers' parsing between reads is sliced too.
        if (sliceDue()) await nextSlice(this.signal);
        const hit = this.kept.get(path);
        if (hit && hit.bytes.length <= maxBytes && (await this.untouched(path, hit.layer, layer))) {
          hit.layer = layer;
          return hit.bytes;
        }
        const got = await files.read(path, maxBytes);
        if (hit) {
          this.kept.delete(path);
          this.bytes -= hit.bytes.length;
        }
        if (Buffer.isBuffer(got) && this.bytes + got.length <= this.maxBytes) {
          this.kept.set(path, { layer, bytes: got });
          this.bytes += got.length;
        }
        return got;
      },
    };
  }

  private async untouched(path: string, since: number, layer: number): Promise<boolean> {
    for (let k = since + 1; k <= layer; k++) if (await this.image.touches(k, [path])) return false;
    return true;
  }
}

/** Distinct warnings, bounded. */
class Warnings {
  private readonly seen = new Set<string>();
  private dropped = 0;
  add(w: string): void {
    if (this.seen.has(w)) return;
    if (this.seen.size >= MAX_WARNINGS) this.dropped++;
    else this.seen.add(w);
  }
  list(): string[] {
    return this.dropped ? [...this.seen, `${this.dropped} more warnings not listed`] : [...this.seen];
  }
}
