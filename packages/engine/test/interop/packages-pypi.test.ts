/**
 * Python distributions found by findPackages against importlib.metadata (Python's own reader of
 * dist-info folders): the dist-info folders of this machine's /usr/lib/python3/dist-packages and
 * the files their RECORDs list are copied into an image built FROM scratch by the real Docker
 * engine; its `docker export`, unpacked by GNU tar, is read by python3.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, createReadStream, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FsBlobStore, archivePackageImage, findPackages, mergeLayers, openImageArchive, type PackageInventory } from '../../src/index.js';
import { dockerCli, run, type DockerCli } from './exec.js';

const SITE = '/usr/lib/python3/dist-packages';

/** What importlib.metadata says of each distribution under `site`: name, version, and its RECORD's regular files with their bytes. */
const ORACLE = `
import importlib.metadata as m, json, os, sys
out = []
for d in m.distributions(path=[sys.argv[1]]):
    files = [os.path.realpath(str(f.locate())) for f in (d.files or [])]
    regular = sorted(set(f for f in files if os.path.isfile(f) and not os.path.islink(f)))
    out.append({"name": d.metadata["Name"], "version": d.version, "files": len(regular), "size": sum(os.lstat(f).st_size for f in regular)})
print(json.dumps(sorted(out, key=lambda x: x["name"])))
`;

interface Dist { name: string; version: string; files: number; size: number }

describe('Python packages against importlib.metadata', () => {
  let docker: DockerCli;
  let work: string;
  let tag: string;
  let root: string;
  let inv: PackageInventory;

  beforeAll(async () => {
    docker = dockerCli(inject('dockerHost'));
    work = mkdtempSync(join(tmpdir(), 'peel-pkg-pypi-'));
    const ctx = join(work, 'ctx');
    for (const info of readdirSync(SITE).filter((n) => n.endsWith('.dist-info'))) {
      cpSync(join(SITE, info), join(ctx, 'l0', SITE.slice(1), info), { recursive: true, verbatimSymlinks: true });
      for (const line of execFileSync('cut', ['-d,', '-f1', join(SITE, info, 'RECORD')], { encoding: 'utf8' }).split('\n')) {
        const from = join(SITE, line);
        if (line === '' || !from.startsWith(SITE) || !existsSync(from) || !lstatSync(from).isFile()) continue;
        mkdirSync(dirname(join(ctx, 'l0', from.slice(1))), { recursive: true });
        cpSync(from, join(ctx, 'l0', from.slice(1)));
      }
    }
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY l0/ /\n');
    tag = `peel-pkg-pypi:run-${process.pid}-${Date.now()}`;
    await docker.run(['build', '--network', 'none', '-q', '-t', tag, ctx]);
    const id = (await docker.text(['create', '--network', 'none', tag, '/none'])).trim();
    try {
      await docker.run(['export', '-o', join(work, 'export.tar'), id]);
    } finally {
      await docker.run(['rm', id]);
    }
    root = join(work, 'root');
    mkdirSync(root);
    await run('tar', ['-xf', join(work, 'export.tar'), '-C', root, '--exclude=dev', '--exclude=proc', '--exclude=sys']);
    await docker.run(['save', '-o', join(work, 'image.tar'), tag]);
    const store = await new FsBlobStore(join(work, 'store')).init();
    const archive = await openImageArchive(createReadStream(join(work, 'image.tar')), store);
    const layers = archive.image.layers.map((l) => archive.layerScans.get(l.blob)!.entries);
    const image = archivePackageImage({ layers, tarBlobs: archive.image.layers.map((l) => l.tarBlob), store, fs: mergeLayers(layers) });
    try {
      inv = await findPackages(image);
    } finally {
      await image.close();
    }
  });

  afterAll(async () => {
    if (tag) await docker.run(['image', 'rm', '--force', tag]).catch(() => undefined);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('lists each distribution with the version, files and bytes Python reads from its RECORD', () => {
    const oracle = JSON.parse(execFileSync('python3', ['-c', ORACLE, join(root, SITE.slice(1))], { encoding: 'utf8' })) as Dist[];
    const ours = inv.packages.filter((p) => p.ecosystem === 'pypi').map((p) => ({ name: p.name, version: p.version, files: p.files, size: p.size }));
    expect(ours.sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual(oracle);
    expect(oracle.length).toBeGreaterThan(3);
    expect(inv.warnings).toEqual([]);
  });
});
