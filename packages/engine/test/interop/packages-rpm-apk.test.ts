import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mergeLayers, openEntryContent, openImageArchive, resolvePath, type FsBlobStore, type ImageArchive } from '../../src/index.js';
import { APK_INSTALLED, apkReader } from '../../src/packages/apk.js';
import { rpmReader } from '../../src/packages/rpm.js';
import type { LayerFiles, PackageDatabaseReader, PackageRecord, ParsedDatabase } from '../../src/packages/types.js';
import { tempStore } from '../helpers.js';
import { LIMITS } from '../packages/rpm-apk-layer-files.js';
import { byNameArch, rpmAnswer, rpmWorkspace, type RpmWorkspace } from '../packages/rpm-build.js';
import { dockerCli, run, type DockerCli } from './exec.js';

// An image built by Docker FROM scratch whose layers change an rpm and an apk database: install,
// upgrade, remove both folders (a whiteout), then a last state. The readers see each layer's
// merged filesystem through the engine; the answer for each layer is rpm's own (`rpm -qa/-ql`
// over the very database file that layer copied in) and, for apk, the hand-written database's
// content; `docker export` confirms the final database is the one the last layer holds.

const stageApk = [
  'P:musl\nV:1.2.4-r2\nA:x86_64\nI:622592\nL:MIT\no:musl\nF:lib\nR:libc.musl-x86_64.so.1\n\nP:busybox\nV:1.36.1-r15\nA:x86_64\nI:946176\nL:GPL-2.0-only\no:busybox\nF:bin\nR:busybox\n\n',
  'P:musl\nV:1.2.4-r2\nA:x86_64\nI:622592\nL:MIT\no:musl\nF:lib\nR:libc.musl-x86_64.so.1\n\nP:busybox\nV:1.36.1-r16\nA:x86_64\nI:950272\nL:GPL-2.0-only\no:busybox\nF:bin\nR:busybox\nF:etc\nR:securetty\n\n',
  'P:busybox\nV:1.36.1-r16\nA:x86_64\nI:950272\nL:GPL-2.0-only\no:busybox\nF:bin\nR:busybox\nF:etc\nR:securetty\n',
];
const apkRecord = (name: string, version: string, installedSize: number, license: string, files: string[]): PackageRecord => ({ ecosystem: 'apk', name, version, arch: 'x86_64', source: name, license, installedSize, files });
const musl = apkRecord('musl', '1.2.4-r2', 622592, 'MIT', ['/lib', '/lib/libc.musl-x86_64.so.1']);
const apkAnswers = [
  [musl, apkRecord('busybox', '1.36.1-r15', 946176, 'GPL-2.0-only', ['/bin', '/bin/busybox'])],
  [musl, apkRecord('busybox', '1.36.1-r16', 950272, 'GPL-2.0-only', ['/bin', '/bin/busybox', '/etc', '/etc/securetty'])],
  [apkRecord('busybox', '1.36.1-r16', 950272, 'GPL-2.0-only', ['/bin', '/bin/busybox', '/etc', '/etc/securetty'])],
];

const DOCKERFILE = [
  'FROM scratch',
  'COPY s0/ /',
  'COPY s1/ /',
  'COPY busybox /bin/busybox',
  'RUN ["/bin/busybox", "rm", "-rf", "/var/lib/rpm", "/lib/apk"]',
  'COPY s2/ /',
].join('\n');

let work: string;
let ws: RpmWorkspace;
let docker: DockerCli;
let tag: string;
let store: { store: FsBlobStore; dispose: () => Promise<void> };
let archive: ImageArchive;
/** rpm's answer for each stage's database, and that database's bytes. */
const rpmStages: { answer: PackageRecord[]; bytes: Buffer }[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'peel-pkg-interop-'));
  ws = await rpmWorkspace(['hello-1.0', 'hello-1.1', 'zero']);
  const steps = [
    ['-i', '--nodeps', '--noscripts', '--justdb', ...ws.rpms['hello-1.0']!, ...ws.rpms.zero!],
    ['-U', '--nodeps', '--noscripts', '--justdb', ...ws.rpms['hello-1.1']!],
    ['-e', '--nodeps', '--noscripts', '--justdb', 'peel-zero'],
  ];
  const context = path.join(work, 'context');
  for (const [i, step] of steps.entries()) {
    await ws.rpm(step);
    const bytes = await readFile(path.join(ws.dbDir, 'rpmdb.sqlite'));
    rpmStages.push({ answer: await rpmAnswer(ws.rpm), bytes });
    await mkdir(path.join(context, `s${i}`, 'var/lib/rpm'), { recursive: true });
    await mkdir(path.join(context, `s${i}`, 'lib/apk/db'), { recursive: true });
    await writeFile(path.join(context, `s${i}`, 'var/lib/rpm/rpmdb.sqlite'), bytes);
    await writeFile(path.join(context, `s${i}`, 'lib/apk/db/installed'), stageApk[i]!);
  }
  await copyFile('/bin/busybox', path.join(context, 'busybox'));
  await writeFile(path.join(context, 'Dockerfile'), DOCKERFILE);

  docker = dockerCli(inject('dockerHost'));
  tag = `peel-pkg-rpm-apk:run-${process.pid}-${Date.now()}`;
  await docker.run(['build', '--no-cache', '--force-rm', '--network', 'none', '-q', '-t', tag, context]);
  const saved = path.join(work, 'saved.tar');
  await docker.run(['save', '-o', saved, tag]);
  store = await tempStore();
  archive = await openImageArchive(createReadStream(saved), store.store);
}, 300_000);

afterAll(async () => {
  await docker?.run(['image', 'rm', '--force', tag]).catch(() => undefined);
  await store?.dispose();
  await ws?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The image's files as of layer `upTo` (0-based, inclusive), through the engine's merged view. */
function layerFiles(upTo: number): LayerFiles {
  const layers = archive.image.layers.slice(0, upTo + 1);
  const merged = mergeLayers(layers.map((l) => archive.layerScans.get(l.blob)!.entries));
  return {
    async read(file, maxBytes) {
      const node = resolvePath(merged, file);
      if (node === null || node.entry.type !== 'file') return null;
      if (node.entry.size > maxBytes) return { tooBig: node.entry.size };
      const chunks: Buffer[] = [];
      for await (const chunk of openEntryContent(store.store, archive.layerScans.get(layers[node.layer]!.blob)!.tarBlob, node.entry)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    async list(dir) {
      const folder = resolvePath(merged, dir);
      return folder === null ? [] : merged.children(folder.path).map((n) => n.name).sort();
    },
  };
}

async function readAt(reader: PackageDatabaseReader, layer: number): Promise<ParsedDatabase | null> {
  const parsed = await reader.read(layerFiles(layer), LIMITS);
  return parsed === null ? null : { ...parsed, packages: [...parsed.packages].sort(byNameArch) };
}

describe('package databases in a Docker-built image, layer by layer', () => {
  it('gives, at every layer, what rpm says of that layer’s rpmdb and what its apk database holds', async () => {
    expect(archive.image.layers).toHaveLength(5);
    // Layer: 0 install, 1 upgrade, 2 busybox (databases unchanged), 3 both removed, 4 last state.
    const stageAt = [0, 1, 1, null, 2];
    for (const [layer, stage] of stageAt.entries()) {
      const rpmExpected = stage === null ? null : { location: '/var/lib/rpm/rpmdb.sqlite', packages: rpmStages[stage]!.answer, warnings: [] };
      expect(await readAt(rpmReader, layer), `rpm at layer ${layer}`).toEqual(rpmExpected);
      const apkExpected = stage === null ? null : { location: APK_INSTALLED, packages: [...apkAnswers[stage]!].sort(byNameArch), warnings: [] };
      expect(await readAt(apkReader, layer), `apk at layer ${layer}`).toEqual(apkExpected);
    }
    expect(rpmStages.map((s) => s.answer.map((p) => `${p.name} ${p.version}`))).toEqual([
      ['peel-hello 2:1.0-1', 'peel-zero 0:1-1'],
      ['peel-hello 2:1.1-3.fc40', 'peel-zero 0:1-1'],
      ['peel-hello 2:1.1-3.fc40'],
    ]);
  });

  it('holds, per docker export, the last stage’s databases', async () => {
    const id = (await docker.text(['create', '--network', 'none', tag, '/bin/busybox'])).trim();
    const exported = path.join(work, 'export.tar');
    try {
      await docker.run(['export', '-o', exported, id]);
    } finally {
      await docker.run(['rm', id]).catch(() => undefined);
    }
    expect((await run('tar', ['-xOf', exported, 'var/lib/rpm/rpmdb.sqlite'])).equals(rpmStages[2]!.bytes)).toBe(true);
    expect((await run('tar', ['-xOf', exported, 'lib/apk/db/installed'])).toString()).toBe(stageApk[2]);
  });
});
