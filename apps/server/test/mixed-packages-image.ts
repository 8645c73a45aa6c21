import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rpmAnswer, rpmWorkspace } from '../../../packages/engine/test/packages/rpm-build.js';
import { generateDockerArchive } from './generate-image.js';
import { hostPackages, layersOf, queryStage, stage as dpkgStage } from './dpkg-image.js';

/**
 * One image whose layers change a dpkg, an rpm and an apk database side by side, and what the
 * real tools say each layer's databases hold: `dpkg-query --admindir` over the dpkg database of
 * each stage, `rpm --dbpath … -qa/-ql` over the rpmdb.sqlite rpm itself wrote at each stage, and
 * for apk (no apk tool on Debian) the stage databases written by hand in apk's format — the
 * packages written into a stage are that stage's answer.
 *
 * Layers: 0 installs 3 debs, 2 rpms, 2 apks; 1 installs one more of each (an rpm and an apk
 * with no files); 2 upgrades one of each (rpm -U; dpkg and apk by editing the version);
 * 3 removes one of each (rpm -e, the dpkg and apk stanzas dropped, with their files) and adds
 * files no package owns.
 */

export type Ecosystem = 'deb' | 'rpm' | 'apk';

/** A package as a real tool (or the hand-written apk database) lists it at one stage. */
export interface StagePackage {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  arch: string;
  /** Declared installed size in bytes, or null. */
  installedSize: number | null;
  /** Absolute paths it owns (folders too). */
  files: string[];
}

export interface MixedImage {
  /** Every stage's tree: relative path → bytes (regular files only). */
  stages: Array<Map<string, Buffer>>;
  /** Each stage's packages, every ecosystem. */
  oracle: StagePackage[][];
}

interface ApkPackage {
  name: string;
  version: string;
  installedSize: number;
  /** Folder → files in it (relative, no leading slash). */
  folders: Record<string, string[]>;
}

/** apk's lib/apk/db/installed for these packages (apk-tools' order: index fields, then F:/R:). */
function apkDatabase(packages: ApkPackage[]): string {
  return packages.map((p) => [
    `P:${p.name}`, `V:${p.version}`, 'A:x86_64', `I:${p.installedSize}`, 'L:MIT', `o:${p.name}`,
    `T:${p.name} for the mixed image`,
    ...Object.entries(p.folders).flatMap(([folder, files]) => [`F:${folder}`, ...files.map((f) => `R:${f}`)]),
  ].join('\n')).join('\n\n') + '\n\n';
}

const APK = {
  alpha: { name: 'peel-alpha', version: '1.0-r0', installedSize: 8192, folders: { 'usr/lib/peel-alpha': ['liba.so.1', 'liba.so.1.0'] } },
  beta: { name: 'peel-beta', version: '2.1-r1', installedSize: 4096, folders: { etc: ['peel-beta.conf'], 'usr/bin': ['peel-beta'] } },
  // A virtual package (`apk add --virtual`): no folders, no files.
  gamma: { name: '.peel-gamma', version: '20261206', installedSize: 0, folders: {} },
} satisfies Record<string, ApkPackage>;

const apkStages: ApkPackage[][] = [
  [APK.alpha, APK.beta],
  [APK.alpha, APK.beta, APK.gamma],
  [APK.alpha, { ...APK.beta, version: '2.1-r2', installedSize: 5120 }, APK.gamma],
  [{ ...APK.beta, version: '2.1-r2', installedSize: 5120 }, APK.gamma],
];

/** Writes the image to `archive` and asks the tools about every stage (databases under `work`). */
export async function makeMixedImage(archive: string, work: string): Promise<MixedImage> {
  // dpkg: real paragraphs, .list files and files of this machine.
  const host = hostPackages(4);
  const debs = host.map((pkg) => ({ pkg, paragraph: pkg.paragraph }));
  const upgraded = debs.map((p, i) => (i === 1 ? { pkg: p.pkg, paragraph: p.paragraph.replace(/^Version: (.*)$/m, 'Version: $1+peel1') } : p));
  const dpkgStages = [debs.slice(0, 3), debs, upgraded, upgraded.filter((_, i) => i !== 2)];

  // rpm: packages built with rpmbuild, installed into an rpmdb with rpm itself.
  const ws = await rpmWorkspace(['hello-1.0', 'hello-1.1', 'zero', 'deep']);
  const rpmSteps = [
    ['-i', ...ws.rpms['hello-1.0']!, ...ws.rpms.deep!],
    ['-i', ...ws.rpms.zero!],
    ['-U', ...ws.rpms['hello-1.1']!],
    ['-e', 'peel-deep'],
  ];
  const unowned = { 'srv/app/data.bin': Buffer.alloc(12_345, 7), 'srv/app/conf/app.ini': Buffer.from('[app]\nname=peel\n') };
  const stages: Array<Map<string, Buffer>> = [];
  const oracle: StagePackage[][] = [];
  try {
    for (const [i, step] of rpmSteps.entries()) {
      await ws.rpm([...step, '--nodeps', '--noscripts', '--justdb']);
      const tree = dpkgStage(dpkgStages[i]!, i === 3 ? unowned : {});
      const queried = queryStage(tree, join(work, `admin-${i}`));
      const deb = queried.packages.map((p): StagePackage => ({
        ecosystem: 'deb', name: p.name, version: p.version, arch: p.arch, installedSize: p.installedSize === null ? null : p.installedSize * 1024, files: queried.lists.get(p.name)!,
      }));
      // --justdb put no files down: each regular file rpm lists (its mode says so) gets bytes naming its package's version.
      const rpms = await rpmAnswer(ws.rpm);
      const regular = (await ws.rpm(['-qa', '--qf', '[%{=NEVRA}\\t%{FILEMODES:perms}\\t%{FILENAMES}\\n]'])).split('\n').filter((l) => l.startsWith('peel-'));
      for (const line of regular) {
        const [nevra, perms, path] = line.split('\t') as [string, string, string];
        if (perms.startsWith('-')) tree.set(path.slice(1), Buffer.from(`${nevra} ${path}\n`));
      }
      tree.set('var/lib/rpm/rpmdb.sqlite', await readFile(join(ws.dbDir, 'rpmdb.sqlite')));
      // apk: the hand-written database and the files it lists.
      tree.set('lib/apk/db/installed', Buffer.from(apkDatabase(apkStages[i]!)));
      for (const p of apkStages[i]!) {
        for (const [folder, files] of Object.entries(p.folders)) for (const f of files) tree.set(`${folder}/${f}`, Buffer.from(`${p.name} ${p.version} ${f}\n`));
      }
      stages.push(tree);
      oracle.push([
        ...deb,
        ...rpms.map((p): StagePackage => ({ ecosystem: 'rpm', name: p.name, version: p.version, arch: p.arch ?? '', installedSize: p.installedSize, files: p.files })),
        ...apkStages[i]!.map((p): StagePackage => ({
          ecosystem: 'apk', name: p.name, version: p.version, arch: 'x86_64', installedSize: p.installedSize,
          files: Object.entries(p.folders).flatMap(([folder, files]) => [`/${folder}`, ...files.map((f) => `/${folder}/${f}`)]),
        })),
      ]);
    }
  } finally {
    await ws.dispose();
  }
  await generateDockerArchive(archive, layersOf(stages), 'peel-test/mixed-packages:latest');
  return { stages, oracle };
}

/** The API's view of each package, derived from the stages' oracles alone. */
export interface ExpectedPackage {
  ecosystem: Ecosystem;
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

const keyOf = (p: { ecosystem: string; name: string; arch: string | null }) => `${p.ecosystem}\0${p.name}\0${p.arch ?? ''}`;
export const byKey = <T extends { ecosystem: string; name: string; arch: string | null }>(list: T[]): T[] =>
  [...list].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));

/** Every package of every stage: installed in the first stage listing it, upgraded where its version changes, removed where it goes. */
export function expectedPackages(img: MixedImage): ExpectedPackage[] {
  const out = new Map<string, ExpectedPackage>();
  const final = img.stages[img.stages.length - 1]!;
  const finalPackages = new Map(img.oracle[img.oracle.length - 1]!.map((p) => [keyOf(p), p]));
  img.oracle.forEach((listed, layer) => {
    for (const p of listed) {
      const seen = out.get(keyOf(p));
      if (!seen) {
        out.set(keyOf(p), { ecosystem: p.ecosystem, name: p.name, version: p.version, arch: p.arch, layer, upgrades: [], removedIn: null, installedSize: p.installedSize, files: 0, size: 0 });
      } else if (seen.version !== p.version) {
        seen.upgrades.push({ layer, from: seen.version, to: p.version });
        seen.version = p.version;
        seen.installedSize = p.installedSize;
      }
    }
    const here = new Set(listed.map(keyOf));
    for (const [key, seen] of out) if (seen.removedIn === null && !here.has(key)) seen.removedIn = layer;
  });
  for (const [key, p] of out) {
    for (const path of finalPackages.get(key)?.files ?? []) {
      const bytes = final.get(path.slice(1));
      if (bytes) {
        p.files++;
        p.size += bytes.length;
      }
    }
  }
  return byKey([...out.values()]);
}

/** Per layer: packages installed, upgraded and removed there, and the bytes of those installed. */
export function expectedLayers(img: MixedImage, expected: ExpectedPackage[]) {
  return img.stages.map((_, layer) => ({
    layer,
    installed: expected.filter((p) => p.layer === layer).length,
    upgraded: expected.filter((p) => p.upgrades.some((u) => u.layer === layer)).length,
    removed: expected.filter((p) => p.removedIn === layer).length,
    bytes: expected.filter((p) => p.layer === layer).reduce((n, p) => n + p.size, 0),
  }));
}

/** Final regular files no final package lists: count and bytes. */
export function expectedUnowned(img: MixedImage): { files: number; bytes: number } {
  const owned = new Set(img.oracle[img.oracle.length - 1]!.flatMap((p) => p.files.map((f) => f.slice(1))));
  let files = 0;
  let bytes = 0;
  for (const [path, content] of img.stages[img.stages.length - 1]!) {
    if (owned.has(path)) continue;
    files++;
    bytes += content.length;
  }
  return { files, bytes };
}

/** Is `to` newer than `from`, in the ecosystem's own order: dpkg's and rpm's answer; apk's versions here differ only in -rN. */
function newer(ecosystem: Ecosystem, from: string, to: string): boolean {
  if (ecosystem === 'deb') {
    try {
      execFileSync('dpkg', ['--compare-versions', to, 'gt', from], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }
  if (ecosystem === 'rpm') return execFileSync('rpm', ['--eval', `%{lua: print(rpm.vercmp("${to}", "${from}"))}`], { encoding: 'utf8' }).trim() === '1';
  const release = (v: string) => Number(/-r(\d+)$/.exec(v)![1]);
  if (from.replace(/-r\d+$/, '') !== to.replace(/-r\d+$/, '')) throw new Error(`apk versions ${from} and ${to} differ beyond -rN`);
  return release(to) > release(from);
}

export interface ExpectedChange {
  ecosystem: Ecosystem;
  name: string;
  change: 'added' | 'removed' | 'upgraded' | 'downgraded';
  from: string | null;
  to: string | null;
}

/** What changes from stage `a` to stage `b`, by the tools' package lists. */
export function expectedDiff(img: MixedImage, a: number, b: number): ExpectedChange[] {
  const inA = new Map(img.oracle[a]!.map((p) => [keyOf(p), p]));
  const inB = new Map(img.oracle[b]!.map((p) => [keyOf(p), p]));
  const out: ExpectedChange[] = [];
  for (const [key, p] of inA) {
    const q = inB.get(key);
    if (!q) out.push({ ecosystem: p.ecosystem, name: p.name, change: 'removed', from: p.version, to: null });
    else if (q.version !== p.version) out.push({ ecosystem: p.ecosystem, name: p.name, change: newer(p.ecosystem, p.version, q.version) ? 'upgraded' : 'downgraded', from: p.version, to: q.version });
  }
  for (const [key, q] of inB) if (!inA.has(key)) out.push({ ecosystem: q.ecosystem, name: q.name, change: 'added', from: null, to: q.version });
  return sortChanges(out);
}

export const sortChanges = <T extends { ecosystem: string; name: string }>(list: T[]): T[] =>
  [...list].sort((x, y) => (`${x.ecosystem}\0${x.name}` < `${y.ecosystem}\0${y.name}` ? -1 : `${x.ecosystem}\0${x.name}` > `${y.ecosystem}\0${y.name}` ? 1 : 0));
