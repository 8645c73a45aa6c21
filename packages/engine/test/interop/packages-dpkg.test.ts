/**
 * findPackages against dpkg-query, layer by layer. A FROM-scratch image is built by the real
 * Docker engine out of this machine's own dpkg database and package files; later layers install
 * a package (a stanza and its .list added), upgrade one (its Version changed), remove one (its
 * stanza dropped, then its files and list deleted by a RUN), and downgrade the upgraded one. Each
 * stage is built as its own image (the builder's cache gives the same layers), exported by
 * `docker export`, unpacked by GNU tar, and asked with `dpkg-query --admindir=…`; the final
 * stage's owned and unowned files are measured on the unpacked export (the kernel's realpath and
 * lstat), never by Peel.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { archivePackageImage, findPackages, mergeLayers, openImageArchive, packageVersionAt, FsBlobStore, type PackageInventory } from '../../src/index.js';
import { dockerCli, run, type DockerCli } from './exec.js';

/** Packages whose files go into the image (small, always on Debian 12), and the three edited ones. */
const WITH_FILES = ['sed', 'grep', 'gzip', 'debianutils', 'libc6', 'hostname'];
const INSTALLED_LATER = 'hostname';
const UPGRADED = 'sed';
const REMOVED = 'gzip';
/** What Docker's init layer puts into every container (and so into `docker export`). */
const DOCKER_INIT = new Set(['/.dockerenv', '/etc/hostname', '/etc/hosts', '/etc/resolv.conf']);

interface Row { name: string; version: string; arch: string; installedSize: number | null }

const hostStatus = readFileSync('/var/lib/dpkg/status', 'utf8');
const stanzas = hostStatus.split(/\n\n+/).filter((s) => s.trim() !== '');
const nameOf = (s: string) => /^Package: (.+)$/m.exec(s)?.[1];
const statusWith = (edit: (s: string) => string | null) => `${stanzas.map(edit).filter((s): s is string => s !== null).join('\n\n')}\n`;
const upgradedVersion = (s: string) => s.replace(/^Version: (.+)$/m, 'Version: $1+peel1');

/** Host paths a package owns (per dpkg-query -L), with their real folders (merged /usr). */
function hostFiles(pkg: string): string[] {
  return runSync('dpkg-query', ['-L', pkg]).split('\n').filter((p) => p.startsWith('/'));
}

function runSync(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** Copies a package's regular files and symlinks into `root`, under their real folders, with its .list. */
function putPackage(root: string, pkg: string): void {
  for (const p of hostFiles(pkg)) {
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (!st || !(st.isFile() || st.isSymbolicLink())) continue;
    const real = join(realpathSync(dirname(p)), p.slice(p.lastIndexOf('/') + 1));
    const dest = join(root, real);
    mkdirSync(dirname(dest), { recursive: true });
    if (existsSync(dest) || lstatSync(dest, { throwIfNoEntry: false })) continue;
    if (st.isSymbolicLink()) symlinkSync(runSync('readlink', [p]).trim(), dest);
    else copyFileSync(p, dest);
  }
  const list = ['/var/lib/dpkg/info/', `${pkg}:amd64.list`].join('');
  const name = existsSync(list) ? `${pkg}:amd64.list` : `${pkg}.list`;
  mkdirSync(join(root, 'var/lib/dpkg/info'), { recursive: true });
  copyFileSync(`/var/lib/dpkg/info/${name}`, join(root, 'var/lib/dpkg/info', name));
}

function writeStatus(root: string, text: string): void {
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
  writeFileSync(join(root, 'var/lib/dpkg/status'), text);
}

/** The build context and the Dockerfile steps, one layer each. */
function writeContext(ctx: string): string[] {
  const l0 = join(ctx, 'l0');
  mkdirSync(l0, { recursive: true });
  for (const [link, target] of [['bin', 'usr/bin'], ['lib', 'usr/lib'], ['lib64', 'usr/lib64'], ['sbin', 'usr/sbin']]) symlinkSync(target, join(l0, link));
  copyFileSync('/bin/busybox', join(l0, 'busybox'));
  writeStatus(l0, statusWith((s) => (nameOf(s) === INSTALLED_LATER ? null : s)));
  for (const p of WITH_FILES) if (p !== INSTALLED_LATER) putPackage(l0, p);
  // `1`: the multiarch layout, where a Multi-Arch: same package's list is NAME:ARCH.list.
  copyFileSync('/var/lib/dpkg/info/format', join(l0, 'var/lib/dpkg/info/format'));

  mkdirSync(join(ctx, 'l1/app/assets'), { recursive: true });
  writeFileSync(join(ctx, 'l1/app/server.js'), 'console.log(1)\n'.repeat(1000));
  writeFileSync(join(ctx, 'l1/app/assets/logo.bin'), Buffer.alloc(70_000, 7));

  writeStatus(join(ctx, 'l2'), hostStatus.endsWith('\n') ? hostStatus : `${hostStatus}\n`);
  putPackage(join(ctx, 'l2'), INSTALLED_LATER);
  writeStatus(join(ctx, 'l3'), statusWith((s) => (nameOf(s) === UPGRADED ? upgradedVersion(s) : s)));
  writeStatus(join(ctx, 'l4'), statusWith((s) => (nameOf(s) === REMOVED ? null : nameOf(s) === UPGRADED ? upgradedVersion(s) : s)));
  writeStatus(join(ctx, 'l6'), statusWith((s) => (nameOf(s) === REMOVED ? null : s)));

  const removedFiles = hostFiles(REMOVED).filter((p) => lstatSync(p, { throwIfNoEntry: false })?.isFile());
  return [
    'COPY l0/ /',
    'COPY l1/ /',
    'COPY l2/ /',
    'COPY l3/ /',
    'COPY l4/ /',
    `RUN ["/busybox", "rm", "-f", "/var/lib/dpkg/info/${REMOVED}.list", ${removedFiles.map((p) => JSON.stringify(p)).join(', ')}]`,
    'COPY l6/ /',
  ];
}

/** dpkg-query's installed packages of an unpacked root. */
function dpkgQuery(root: string): Map<string, Row> {
  const out = runSync('dpkg-query', [`--admindir=${join(root, 'var/lib/dpkg')}`, '-W', '-f=${db:Status-Status}\\t${Package}\\t${Version}\\t${Architecture}\\t${Installed-Size}\\n']);
  const rows = new Map<string, Row>();
  for (const line of out.split('\n')) {
    const [status, name, version, arch, size] = line.split('\t');
    if (status !== 'installed') continue;
    rows.set(name, { name, version, arch, installedSize: size === '' ? null : Number(size) * 1024 });
  }
  return rows;
}

describe('dpkg packages against dpkg-query, layer by layer', () => {
  let docker: DockerCli;
  let work: string;
  let steps: string[];
  const tags: string[] = [];
  const roots: string[] = [];
  let inv: PackageInventory;
  let store: FsBlobStore;

  beforeAll(async () => {
    docker = dockerCli(inject('dockerHost'));
    work = mkdtempSync(join(tmpdir(), 'peel-pkg-dpkg-'));
    const ctx = join(work, 'ctx');
    steps = writeContext(ctx);
    const base = `peel-pkg-dpkg:run-${process.pid}-${Date.now()}`;
    // Stage n is the Dockerfile's first n+1 steps; the builder's cache makes its layers the full image's.
    for (let n = 0; n < steps.length; n++) {
      writeFileSync(join(ctx, `Dockerfile.${n}`), ['FROM scratch', ...steps.slice(0, n + 1)].join('\n'));
      tags.push(`${base}-${n}`);
      await docker.run(['build', '--network', 'none', '-q', '-f', join(ctx, `Dockerfile.${n}`), '-t', tags[n], ctx]);
      const id = (await docker.text(['create', '--network', 'none', tags[n], '/busybox', 'true'])).trim();
      const tarFile = join(work, `export-${n}.tar`);
      try {
        await docker.run(['export', '-o', tarFile, id]);
      } finally {
        await docker.run(['rm', id]);
      }
      roots.push(join(work, `root-${n}`));
      mkdirSync(roots[n]);
      await run('tar', ['-xf', tarFile, '-C', roots[n], '--exclude=./dev', '--exclude=dev', '--exclude=proc', '--exclude=sys']);
      rmSync(tarFile);
    }
    const saved = join(work, 'image.tar');
    await docker.run(['save', '-o', saved, tags[steps.length - 1]]);
    store = await new FsBlobStore(join(work, 'store')).init();
    const archive = await openImageArchive(createReadStream(saved), store);
    const layers = archive.image.layers.map((l) => archive.layerScans.get(l.blob)!.entries);
    const image = archivePackageImage({ layers, tarBlobs: archive.image.layers.map((l) => l.tarBlob), store, fs: mergeLayers(layers) });
    try {
      inv = await findPackages(image);
    } finally {
      await image.close();
    }
  });

  afterAll(async () => {
    for (const t of tags) await docker.run(['image', 'rm', '--force', t]).catch(() => undefined);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('each stage image shares its layers with the full image', async () => {
    const layersOf = async (tag: string) => (JSON.parse(await docker.text(['image', 'inspect', tag])) as Array<{ RootFS: { Layers: string[] } }>)[0].RootFS.Layers;
    const full = await layersOf(tags[tags.length - 1]);
    expect(full).toHaveLength(steps.length);
    for (let n = 0; n < steps.length; n++) expect(await layersOf(tags[n])).toEqual(full.slice(0, n + 1));
  });

  it('lists at every layer exactly the packages and versions dpkg-query lists', () => {
    const debs = inv.packages.filter((p) => p.ecosystem === 'deb');
    for (let n = 0; n < steps.length; n++) {
      const oracle = [...dpkgQuery(roots[n]).values()].map((r) => `${r.name} ${r.version} ${r.arch}`).sort();
      const ours = debs.flatMap((p) => {
        const v = packageVersionAt(p, n);
        return v === null ? [] : [`${p.name} ${v} ${p.arch}`];
      }).sort();
      expect({ layer: n, packages: ours }).toEqual({ layer: n, packages: oracle });
    }
    expect(debs.length).toBeGreaterThan(100);
  });

  it('attributes the install, upgrade, removal and downgrade to their layers', () => {
    const oracleFinal = dpkgQuery(roots[steps.length - 1]);
    const upgradedFrom = dpkgQuery(roots[0]).get(UPGRADED)!.version;
    const byName = new Map(inv.packages.filter((p) => p.ecosystem === 'deb').map((p) => [p.name, p]));
    expect(byName.get(INSTALLED_LATER)).toMatchObject({ layer: 2, removedIn: null, upgrades: [] });
    expect(byName.get(UPGRADED)).toMatchObject({
      layer: 0, removedIn: null, version: oracleFinal.get(UPGRADED)!.version,
      upgrades: [{ layer: 3, from: upgradedFrom, to: `${upgradedFrom}+peel1` }, { layer: 6, from: `${upgradedFrom}+peel1`, to: upgradedFrom }],
    });
    expect(byName.get(REMOVED)).toMatchObject({ layer: 0, removedIn: 4, files: 0, size: 0 });
    expect(inv.layers.map((l) => [l.installed, l.upgraded, l.removed])).toEqual([
      [dpkgQuery(roots[0]).size, 0, 0], [0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0], [0, 1, 0],
    ]);
  });

  it('gives each final package the architecture and installed size dpkg-query gives', () => {
    const oracle = dpkgQuery(roots[steps.length - 1]);
    const ours = new Map(inv.packages.filter((p) => p.ecosystem === 'deb' && p.removedIn === null).map((p) => [p.name, { name: p.name, version: p.version, arch: p.arch, installedSize: p.installedSize }]));
    expect(ours).toEqual(oracle);
  });

  it('sizes each package and the unowned files as the unpacked export measures them', () => {
    const root = roots[steps.length - 1];
    const admindir = join(root, 'var/lib/dpkg');
    const withList = readdirSync(join(admindir, 'info')).filter((f) => f.endsWith('.list')).map((f) => f.slice(0, -'.list'.length).replace(/:.*$/, ''));
    const owned = new Set<string>();
    const expected = new Map<string, { files: number; size: number }>();
    for (const pkg of withList) {
      let files = 0;
      let size = 0;
      const seen = new Set<string>();
      for (const p of runSync('dpkg-query', [`--admindir=${admindir}`, '-L', pkg]).split('\n').filter((l) => l.startsWith('/'))) {
        let dir: string;
        try {
          dir = realpathSync(join(root, dirname(p)));
        } catch {
          continue;
        }
        const real = join(dir, p.slice(p.lastIndexOf('/') + 1));
        const st = lstatSync(real, { throwIfNoEntry: false });
        if (!st?.isFile() || seen.has(real)) continue;
        seen.add(real);
        owned.add(real);
        files++;
        size += st.size;
      }
      expected.set(pkg, { files, size });
    }
    const finalDebs = inv.packages.filter((p) => p.ecosystem === 'deb' && p.removedIn === null);
    expect(new Map(finalDebs.filter((p) => expected.has(p.name)).map((p) => [p.name, { files: p.files, size: p.size }]))).toEqual(expected);
    expect(finalDebs.filter((p) => !expected.has(p.name) && p.files !== 0)).toEqual([]);
    expect(expected.get('libc6')!.files).toBeGreaterThan(10);

    let files = 0;
    let bytes = 0;
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.isFile() && !owned.has(full) && !DOCKER_INIT.has(full.slice(root.length))) {
          files++;
          bytes += lstatSync(full).size;
        }
      }
    };
    walk(root);
    expect({ files: inv.unowned.files, bytes: inv.unowned.bytes }).toEqual({ files, bytes });
    expect(inv.unowned.folders.find((f) => f.path === '/app/assets')).toEqual({ path: '/app/assets', files: 1, bytes: 70_000 });
  });

  it('has nothing to warn about', () => {
    expect(inv.warnings).toEqual([]);
  });
});
