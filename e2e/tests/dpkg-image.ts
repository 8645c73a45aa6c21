import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Images whose layers install, upgrade and remove dpkg packages, built at test time from this
 * Debian machine's own database (/var/lib/dpkg): each package's real stanza, its real file list
 * and its real files. Each stage's database is also written out whole as an admindir, so
 * `dpkg-query --admindir=…` can say what the image holds at that layer.
 */

const MACHINE_DPKG = '/var/lib/dpkg';

/** What one layer does. */
export interface DpkgStage {
  /** The history line of the layer. */
  createdBy: string;
  /** Packages copied from this machine (stanza, file list, files). */
  install?: string[];
  /** Package → the version the stage's database gives it instead (its files stay). */
  upgrade?: Record<string, string>;
  /** Packages dropped from the database, their files and file list whited out. */
  remove?: string[];
  /** Files no package owns: image path → bytes. */
  files?: Record<string, Buffer | string>;
  /** Stanzas of packages with no files (a database of thousands), added to the database as they are. */
  stanzas?: string[];
  /** Raw bytes written into the layer (hostile databases): image path → bytes. Not part of the admindir. */
  raw?: Record<string, Buffer | string>;
}

export interface DpkgImage {
  archive: string;
  /** The database as of each layer (layers 0..N merged), for `dpkg-query --admindir`. */
  admindirs: string[];
}

/** The machine's status file, one stanza per installed package name. */
function machineStanzas(): Map<string, string> {
  const stanzas = new Map<string, string>();
  for (const stanza of readFileSync(join(MACHINE_DPKG, 'status'), 'utf8').split(/\n\n+/)) {
    const name = /^Package: (\S+)$/m.exec(stanza)?.[1];
    if (name && /^Status: install ok installed$/m.test(stanza) && !stanzas.has(name)) stanzas.set(name, stanza.trim());
  }
  return stanzas;
}

/** A package's file list on this machine: `NAME.list`, or `NAME:ARCH.list` for a Multi-Arch: same one. */
function machineList(name: string, stanza: string): string {
  const arch = /^Architecture: (\S+)$/m.exec(stanza)?.[1];
  for (const file of [`${name}.list`, `${name}:${arch}.list`]) {
    if (existsSync(join(MACHINE_DPKG, 'info', file))) return file;
  }
  throw new Error(`no file list for ${name} in ${MACHINE_DPKG}/info`);
}

/** The machine's entry at a listed path, parent symlinks (/bin → usr/bin) resolved, the last component not. */
function machinePath(path: string): string {
  return join(realpathSync(dirname(path)), basename(path));
}

/** Copies one listed path into a layer folder: a folder, a symlink as it is, or a regular file. */
function copyListed(path: string, layerDir: string): void {
  if (path === '/.') return;
  const source = machinePath(path);
  const target = join(layerDir, path);
  // A listed folder stays one in the image even where this machine made it a symlink (/lib → usr/lib).
  if (statSync(source).isDirectory()) {
    mkdirSync(target, { recursive: true });
    return;
  }
  mkdirSync(dirname(target), { recursive: true });
  if (lstatSync(source).isSymbolicLink()) symlinkSync(readlinkSync(source), target);
  else copyFileSync(source, target);
}

/** A whiteout of `path` in a layer folder (`.wh.NAME` beside it). */
function whiteOut(path: string, layerDir: string): void {
  const folder = join(layerDir, dirname(path));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `.wh.${basename(path)}`), '');
}

function write(path: string, content: Buffer | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** A tar of a folder's contents (names without `./`), owned by root, with fixed times, as GNU tar writes it. */
function tarFolder(dir: string, names: string[], out: string): void {
  execFileSync('tar', ['--format=gnu', '--sort=name', '--numeric-owner', '--owner=0', '--group=0', '--mtime=@1704067200', '-C', dir, '-cf', out, ...names]);
}

/** Builds the image in `dir` (which must exist and be empty): one layer per stage, a `docker save` archive named `tag`. */
export function buildDpkgImage(dir: string, tag: string, stages: DpkgStage[]): DpkgImage {
  const machine = machineStanzas();
  /** The database as it stands: package → stanza, and its file list's name. */
  const db = new Map<string, { stanza: string; list: string | null }>();
  const admindirs: string[] = [];
  const layerNames: string[] = [];
  const diffIds: string[] = [];

  stages.forEach((stage, i) => {
    const layerDir = join(dir, `layer-${i}`);
    mkdirSync(layerDir, { recursive: true });
    for (const name of stage.install ?? []) {
      const stanza = machine.get(name);
      if (!stanza) throw new Error(`${name} is not installed on this machine`);
      const list = machineList(name, stanza);
      db.set(name, { stanza, list });
      write(join(layerDir, 'var/lib/dpkg/info', list), readFileSync(join(MACHINE_DPKG, 'info', list)));
      for (const path of readFileSync(join(MACHINE_DPKG, 'info', list), 'utf8').split('\n').filter(Boolean)) copyListed(path, layerDir);
    }
    for (const stanza of stage.stanzas ?? []) {
      const name = /^Package: (\S+)$/m.exec(stanza)?.[1];
      if (!name) throw new Error(`a stanza without a Package field: ${stanza.slice(0, 80)}`);
      db.set(name, { stanza: stanza.trim(), list: null });
    }
    for (const [name, version] of Object.entries(stage.upgrade ?? {})) {
      const known = db.get(name);
      if (!known) throw new Error(`cannot upgrade ${name}: not installed by an earlier stage`);
      db.set(name, { ...known, stanza: known.stanza.replace(/^Version: .*$/m, `Version: ${version}`) });
    }
    for (const name of stage.remove ?? []) {
      const known = db.get(name);
      if (!known) throw new Error(`cannot remove ${name}: not installed by an earlier stage`);
      db.delete(name);
      if (!known.list) continue;
      whiteOut(join('/var/lib/dpkg/info', known.list), layerDir);
      for (const path of readFileSync(join(MACHINE_DPKG, 'info', known.list), 'utf8').split('\n').filter(Boolean)) {
        if (path !== '/.' && !statSync(machinePath(path)).isDirectory()) whiteOut(path, layerDir);
      }
    }
    for (const [path, content] of Object.entries(stage.files ?? {})) write(join(layerDir, path), content);
    const status = [...db.values()].map((p) => `${p.stanza}\n`).join('\n');
    if (stage.install?.length || stage.stanzas?.length || stage.upgrade || stage.remove?.length) write(join(layerDir, 'var/lib/dpkg/status'), status);
    // The file lists' naming format (1: NAME:ARCH.list for Multi-Arch: same), as dpkg writes it once.
    if (i === 0 && stage.install?.length) write(join(layerDir, 'var/lib/dpkg/info/format'), readFileSync(join(MACHINE_DPKG, 'info/format')));
    for (const [path, content] of Object.entries(stage.raw ?? {})) write(join(layerDir, path), content);

    // The stage's whole database, for dpkg-query.
    const admin = join(dir, `admin-${i}`);
    write(join(admin, 'status'), status);
    mkdirSync(join(admin, 'info'), { recursive: true });
    copyFileSync(join(MACHINE_DPKG, 'info/format'), join(admin, 'info/format'));
    for (const p of db.values()) if (p.list) copyFileSync(join(MACHINE_DPKG, 'info', p.list), join(admin, 'info', p.list));
    admindirs.push(admin);

    const layerName = `${i}/layer.tar`;
    mkdirSync(join(dir, 'archive', String(i)), { recursive: true });
    const entries = execFileSync('ls', ['-A', layerDir], { encoding: 'utf8' }).split('\n').filter(Boolean);
    tarFolder(layerDir, entries, join(dir, 'archive', layerName));
    diffIds.push(`sha256:${createHash('sha256').update(readFileSync(join(dir, 'archive', layerName))).digest('hex')}`);
    layerNames.push(layerName);
  });

  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: stages.map((s) => ({ created: '2024-01-01T00:00:00Z', created_by: s.createdBy })),
  });
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  writeFileSync(join(dir, 'archive', configName), config);
  writeFileSync(join(dir, 'archive', 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: layerNames }]));
  const archive = join(dir, 'image.tar');
  tarFolder(join(dir, 'archive'), ['manifest.json', configName, ...stages.map((_, i) => String(i))], archive);
  return { archive, admindirs };
}

/** One package as `dpkg-query --admindir=…` lists it. */
export interface QueriedPackage {
  name: string;
  arch: string;
  version: string;
  /** Installed-Size in KiB as the database declares it. */
  installedKib: number | null;
  /** `${source:Package}`: the source package's name (the package's own when the stanza names none). */
  source: string;
  /** The Source field as the stanza has it ('' when it has none). */
  sourceField: string;
}

/** Every package of a database, as dpkg-query lists it. */
export function dpkgQuery(admindir: string): QueriedPackage[] {
  const out = execFileSync('dpkg-query', [`--admindir=${admindir}`, '-W', '-f=${Package}\\t${Architecture}\\t${Version}\\t${Installed-Size}\\t${source:Package}\\t${Source}\\n'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, arch, version, kib, source, sourceField] = line.split('\t');
      return { name, arch, version, installedKib: kib ? Number(kib) : null, source, sourceField };
    });
}

/** The paths dpkg-query says a package owns. */
export function dpkgFiles(admindir: string, name: string): string[] {
  return execFileSync('dpkg-query', [`--admindir=${admindir}`, '-L', name], { encoding: 'utf8' }).split('\n').filter((p) => p && p !== '/.');
}
