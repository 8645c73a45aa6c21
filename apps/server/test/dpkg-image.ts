import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDockerArchive, type GenLayer } from './generate-image.js';

/**
 * An image whose layers install, upgrade and remove dpkg packages, made from this machine's own
 * dpkg database (/var/lib/dpkg: real status paragraphs, real .list files, the real files they
 * list), and what `dpkg-query --admindir` says of the database each layer leaves: the oracle.
 *
 * Layers: 0 installs a base set; 1 installs three more; 2 upgrades one (its Version edited);
 * 3 adds a file no package owns and leaves the database alone; 4 removes one package (its
 * paragraph, its .list and its files).
 */

/** A package as dpkg-query lists it. */
export interface QueriedPackage {
  name: string;
  version: string;
  arch: string;
  /** Installed-Size in KiB, or null. */
  installedSize: number | null;
}

/** What dpkg-query says of one stage's database. */
export interface StageOracle {
  packages: QueriedPackage[];
  /** Absolute paths each package lists (dpkg-query -L), by name. */
  lists: Map<string, string[]>;
}

export interface DpkgImage {
  /** Every stage's tree: relative path → bytes (regular files only). */
  stages: Array<Map<string, Buffer>>;
  oracle: StageOracle[];
}

const ADMIN = '/var/lib/dpkg';
const MAX_PACKAGE_BYTES = 64 * 1024;

export interface HostPackage {
  name: string;
  paragraph: string;
  /** The .list file's name in info/ (`name.list` or `name:arch.list`). */
  listName: string;
  /** Regular files it lists, relative, with their bytes. */
  files: Map<string, Buffer>;
}

/** Installed packages of this machine whose listed regular files are small, in name order. */
export function hostPackages(count: number): HostPackage[] {
  const status = readFileSync(join(ADMIN, 'status'), 'latin1');
  const out: HostPackage[] = [];
  for (const paragraph of status.split(/\n\n+/)) {
    if (out.length === count) break;
    const field = (f: string) => new RegExp(`^${f}: (.*)$`, 'm').exec(paragraph)?.[1];
    const name = field('Package');
    const arch = field('Architecture');
    if (!name || !arch || field('Status') !== 'install ok installed' || field('Essential') === 'yes') continue;
    const listName = [`${name}:${arch}.list`, `${name}.list`].find((l) => isFile(join(ADMIN, 'info', l)));
    if (!listName) continue;
    const files = new Map<string, Buffer>();
    let bytes = 0;
    for (const path of readFileSync(join(ADMIN, 'info', listName), 'latin1').split('\n')) {
      if (!path.startsWith('/') || !isFile(path, true)) continue;
      bytes += lstatSync(path).size;
      if (bytes > MAX_PACKAGE_BYTES) break;
      files.set(path.slice(1), readFileSync(path));
    }
    if (bytes > MAX_PACKAGE_BYTES || files.size === 0) continue;
    out.push({ name, paragraph: `${paragraph.trim()}\n`, listName, files });
  }
  if (out.length < count) throw new Error(`this machine has only ${out.length} small dpkg packages`);
  return out;
}

function isFile(path: string, noLink = false): boolean {
  try {
    const st = lstatSync(path);
    return st.isFile() && (!noLink || !st.isSymbolicLink());
  } catch {
    return false;
  }
}

/** A stage's tree from its packages (paragraphs possibly edited) and extra files. */
export function stage(packages: Array<{ pkg: HostPackage; paragraph: string }>, extra: Record<string, Buffer> = {}): Map<string, Buffer> {
  const tree = new Map<string, Buffer>();
  tree.set('var/lib/dpkg/status', Buffer.from(packages.map((p) => p.paragraph).join('\n'), 'latin1'));
  // The layout of info/ (1: a Multi-Arch: same package's files are `name:arch.list`).
  tree.set('var/lib/dpkg/info/format', readFileSync(join(ADMIN, 'info', 'format')));
  for (const { pkg } of packages) {
    tree.set(`var/lib/dpkg/info/${pkg.listName}`, readFileSync(join(ADMIN, 'info', pkg.listName)));
    for (const [path, bytes] of pkg.files) tree.set(path, bytes);
  }
  for (const [path, bytes] of Object.entries(extra)) tree.set(path, bytes);
  return tree;
}

/** The layers that turn each stage into the next: files new or changed, whiteouts for files gone. */
export function layersOf(stages: Array<Map<string, Buffer>>): GenLayer[] {
  return stages.map((tree, i) => {
    const before = i === 0 ? new Map<string, Buffer>() : stages[i - 1];
    const files = [...tree].filter(([p, b]) => !before.get(p)?.equals(b)).map(([path, content]) => ({ path, content }));
    const whiteouts = [...before.keys()].filter((p) => !tree.has(p));
    return { files, whiteouts };
  });
}

/** dpkg-query over a stage's database, written out to `dir`. */
export function queryStage(tree: Map<string, Buffer>, dir: string): StageOracle {
  mkdirSync(join(dir, 'info'), { recursive: true });
  mkdirSync(join(dir, 'updates'), { recursive: true });
  for (const [path, bytes] of tree) {
    if (path.startsWith('var/lib/dpkg/')) writeFileSync(join(dir, path.slice('var/lib/dpkg/'.length)), bytes);
  }
  const out = execFileSync('dpkg-query', [`--admindir=${dir}`, '-W', '-f=${Package}\\t${Version}\\t${Architecture}\\t${Installed-Size}\\n'], { encoding: 'utf8' });
  const packages = out.split('\n').filter(Boolean).map((line) => {
    const [name, version, arch, size] = line.split('\t');
    return { name, version, arch, installedSize: size === '' ? null : Number(size) };
  });
  const lists = new Map<string, string[]>();
  for (const p of packages) {
    const listed = execFileSync('dpkg-query', [`--admindir=${dir}`, '-L', `${p.name}:${p.arch}`], { encoding: 'utf8' });
    lists.set(p.name, listed.split('\n').filter((l) => l.startsWith('/')));
  }
  return { packages, lists };
}

/** Writes the image to `archive` and asks dpkg-query about every stage (databases under `work`). */
export async function makeDpkgImage(archive: string, work: string): Promise<DpkgImage> {
  const host = hostPackages(12);
  const base = host.slice(0, 8).map((pkg) => ({ pkg, paragraph: pkg.paragraph }));
  const installed = [...base, ...host.slice(8, 11).map((pkg) => ({ pkg, paragraph: pkg.paragraph }))];
  const upgraded = installed.map((p, i) => (i === 2 ? { pkg: p.pkg, paragraph: p.paragraph.replace(/^Version: (.*)$/m, 'Version: $1+peel1') } : p));
  const app = { 'srv/app/data.bin': Buffer.alloc(12_345, 7), 'srv/app/conf/app.ini': Buffer.from('[app]\nname=peel\n') };
  const removed = upgraded.filter((_, i) => i !== 5);
  const stages = [stage(base), stage(installed), stage(upgraded), stage(upgraded, app), stage(removed, app)];
  await generateDockerArchive(archive, layersOf(stages), 'peel-test/dpkg:latest');
  return { stages, oracle: stages.map((tree, i) => queryStage(tree, join(work, `admin-${i}`))) };
}

/** The API's view of each package, derived from the oracle's stages alone. */
export interface ExpectedPackage {
  name: string;
  version: string;
  arch: string;
  layer: number;
  upgrades: Array<{ layer: number; from: string; to: string }>;
  removedIn: number | null;
  installedSize: number | null;
  files: number;
  size: number;
}

export function expectedPackages(img: DpkgImage): ExpectedPackage[] {
  const out = new Map<string, ExpectedPackage>();
  const final = img.stages[img.stages.length - 1];
  const finalOracle = img.oracle[img.oracle.length - 1];
  img.oracle.forEach((st, layer) => {
    for (const p of st.packages) {
      const seen = out.get(p.name);
      if (!seen) {
        out.set(p.name, { name: p.name, version: p.version, arch: p.arch, layer, upgrades: [], removedIn: null, installedSize: p.installedSize === null ? null : p.installedSize * 1024, files: 0, size: 0 });
      } else if (seen.version !== p.version) {
        seen.upgrades.push({ layer, from: seen.version, to: p.version });
        seen.version = p.version;
      }
    }
    for (const seen of out.values()) {
      if (seen.removedIn === null && !st.packages.some((p) => p.name === seen.name)) seen.removedIn = layer;
    }
  });
  for (const p of out.values()) {
    for (const path of finalOracle.lists.get(p.name) ?? []) {
      const bytes = final.get(path.slice(1));
      if (bytes) {
        p.files++;
        p.size += bytes.length;
      }
    }
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Final regular files no final package lists: count and bytes. */
export function expectedUnowned(img: DpkgImage): { files: number; bytes: number } {
  const owned = new Set<string>();
  for (const list of img.oracle[img.oracle.length - 1].lists.values()) for (const p of list) owned.add(p.slice(1));
  let files = 0;
  let bytes = 0;
  for (const [path, content] of img.stages[img.stages.length - 1]) {
    if (owned.has(path)) continue;
    files++;
    bytes += content.length;
  }
  return { files, bytes };
}
