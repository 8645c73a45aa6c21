/**
 * npm packages found by findPackages against `npm query '*'` (npm's own reading of an installed
 * node_modules tree), layer by layer. The image is built by the real Docker engine FROM scratch
 * out of this machine's global npm (npm and the 140-odd packages it bundles); a later layer
 * rewrites one bundled package's package.json with another version. Each stage is exported by
 * `docker export`, unpacked by GNU tar and asked with npm query; the files the packages own are
 * counted on the unpacked export.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, createReadStream, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FsBlobStore, archivePackageImage, findPackages, mergeLayers, openImageArchive, packageVersionAt, type PackageInventory } from '../../src/index.js';
import { dockerCli, run, type DockerCli } from './exec.js';

const NPM = '/usr/lib/node_modules/npm';
const EDITED = 'node_modules/semver';

interface NpmNode { name: string; version: string; location: string; license?: string }

/** npm's view of the tree under `root`: `name version path` per package, the root included. */
function npmQuery(root: string): string[] {
  const out = execFileSync('npm', ['query', '*', '--prefix', join(root, NPM.slice(1)), '--offline'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const rootNode = JSON.parse(readFileSync(join(root, NPM.slice(1), 'package.json'), 'utf8')) as NpmNode;
  return [
    `${rootNode.name} ${rootNode.version} ${NPM}`,
    ...(JSON.parse(out) as NpmNode[]).filter((n) => n.location !== '').map((n) => `${n.name} ${n.version} ${NPM}/${n.location}`),
  ].sort();
}

function regularFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? regularFiles(join(dir, e.name)) : e.isFile() ? 1 : 0;
  return n;
}

describe('npm packages against npm query, layer by layer', () => {
  let docker: DockerCli;
  let work: string;
  const tags: string[] = [];
  const roots: string[] = [];
  let inv: PackageInventory;

  beforeAll(async () => {
    docker = dockerCli(inject('dockerHost'));
    work = mkdtempSync(join(tmpdir(), 'peel-pkg-npm-'));
    const ctx = join(work, 'ctx');
    cpSync(NPM, join(ctx, 'l0', NPM.slice(1)), { recursive: true, verbatimSymlinks: true });
    const edited = JSON.parse(readFileSync(join(NPM, EDITED, 'package.json'), 'utf8')) as Record<string, unknown>;
    mkdirSync(join(ctx, 'l1', NPM.slice(1), EDITED), { recursive: true });
    writeFileSync(join(ctx, 'l1', NPM.slice(1), EDITED, 'package.json'), JSON.stringify({ ...edited, version: `${String(edited.version)}-peel.1` }, null, 2));
    const steps = ['COPY l0/ /', 'COPY l1/ /'];
    const base = `peel-pkg-npm:run-${process.pid}-${Date.now()}`;
    for (let n = 0; n < steps.length; n++) {
      writeFileSync(join(ctx, `Dockerfile.${n}`), ['FROM scratch', ...steps.slice(0, n + 1)].join('\n'));
      tags.push(`${base}-${n}`);
      await docker.run(['build', '--network', 'none', '-q', '-f', join(ctx, `Dockerfile.${n}`), '-t', tags[n], ctx]);
      const id = (await docker.text(['create', '--network', 'none', tags[n], '/none'])).trim();
      const tarFile = join(work, `export-${n}.tar`);
      try {
        await docker.run(['export', '-o', tarFile, id]);
      } finally {
        await docker.run(['rm', id]);
      }
      roots.push(join(work, `root-${n}`));
      mkdirSync(roots[n]);
      await run('tar', ['-xf', tarFile, '-C', roots[n], '--exclude=dev', '--exclude=proc', '--exclude=sys']);
    }
    const saved = join(work, 'image.tar');
    await docker.run(['save', '-o', saved, tags[steps.length - 1]]);
    const store = await new FsBlobStore(join(work, 'store')).init();
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

  it('lists at every layer the packages, versions and folders npm query lists', () => {
    const npm = inv.packages.filter((p) => p.ecosystem === 'npm');
    for (let n = 0; n < roots.length; n++) {
      const ours = npm.flatMap((p) => {
        const v = packageVersionAt(p, n);
        return v === null ? [] : [`${p.name} ${v} ${p.database.slice(0, -'/package.json'.length)}`];
      }).sort();
      expect({ layer: n, packages: ours }).toEqual({ layer: n, packages: npmQuery(roots[n]) });
    }
    expect(npm.length).toBeGreaterThan(100);
  });

  it('records the rewritten package as upgraded in layer 1, the rest as installed in layer 0', () => {
    const edited = inv.packages.find((p) => p.database === `${NPM}/${EDITED}/package.json`)!;
    expect(edited.upgrades).toEqual([{ layer: 1, from: edited.upgrades[0]?.from, to: `${edited.upgrades[0]?.from}-peel.1` }]);
    expect(inv.layers.map((l) => [l.installed, l.upgraded, l.removed])).toEqual([[inv.packages.length, 0, 0], [0, 1, 0]]);
  });

  it('gives every file under the tree to exactly one package, and the licences npm reads', () => {
    const root = roots[roots.length - 1];
    expect(inv.packages.reduce((n, p) => n + p.files, 0)).toBe(regularFiles(join(root, NPM.slice(1))));
    const licences = JSON.parse(execFileSync('npm', ['query', '*', '--prefix', join(root, NPM.slice(1)), '--offline'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as NpmNode[];
    const expected = new Map(licences.filter((n) => n.location !== '' && typeof n.license === 'string').map((n) => [`${NPM}/${n.location}/package.json`, n.license]));
    const ours = new Map(inv.packages.filter((p) => expected.has(p.database)).map((p) => [p.database, p.license]));
    expect(ours).toEqual(expected);
    expect(inv.unowned.files).toBe(0);
  });
});
