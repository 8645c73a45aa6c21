/**
 * Comparing two images through the HTTP API equals comparing what Docker exports of them.
 *
 * The images are made by the real engine: a root layer by `docker import` (busybox, and files
 * with a `security.capability` xattr, which a build's COPY would drop), a base FROM it, then A
 * and B FROM the base with the classic builder; B's layers make every kind of change (same-size
 * edits, deletes of files and folders, an opaque folder, dir↔file, symlink→dir, fifo→file, hard
 * links whose original is deleted or rewritten, a new name for a file, a device renumbered,
 * mode-, owner-, group-, xattr- and mtime-only changes). The oracle is `docker export` of a
 * created container of each image, listed by GNU tar (path, type, mode, uid, gid, mtime, size,
 * link target, content sha256, xattr names and sizes); the comparison Peel must answer is
 * computed here from two such listings by the rules of the contract
 * (packages/api/src/schemas/compare.ts) — Peel's own views are never the expected value. Every
 * page of `/api/compare/changes`, the tree of `/api/compare/fs` and the counts of `/api/compare`
 * are checked, for A against B (both ways) and for sides as of a layer (`aLayer`, `bLayer`): B is
 * built in two steps (B1 FROM the base, B FROM B1), so B as of its last base layer is the base
 * image and B as of its first own layer is B1, and their exports are the oracles of those sides.
 */
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { encodePathParam, type CompareChange, type CompareField, type CompareFsSummary, type CompareItem, type CompareNode, type ComparePage, type CompareSummary } from '@peel/api';
import { dockerCli, run, type DockerCli } from '../../../../packages/engine/test/interop/exec.js';
import { listTar, listTarXattrs, tarFileDigests, type TarRecord } from '../../../../packages/engine/test/interop/gnu-tar.js';
import { listingFromTar, type FsType } from '../../../../packages/engine/test/interop/fs-listing.js';
import { build, getJson, removeDir, tempDir, upload } from '../helper.js';
import { INIT_LAYER_DIRS, RUNTIME_ENTRIES } from './fs-views.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
  }
}

const RUN = `${process.pid}-${Date.now()}`;
const TAGS = { root: `cmpdock-root:${RUN}`, base: `cmpdock-base:${RUN}`, a: `cmpdock-a:${RUN}`, b1: `cmpdock-b1:${RUN}`, b: `cmpdock-b:${RUN}` };
const APPLETS = ['sh', 'mkdir', 'echo', 'printf', 'rm', 'ln', 'chmod', 'chown', 'touch', 'mknod', 'mkfifo', 'cp', 'dd', 'head'];

/** `setcap` on the root layer's /caps files: a 20-byte `security.capability` xattr. */
const CAPABILITY = 'cap_net_raw+ep';

/** Fixed mtimes (`touch -d @T`): an mtime-only change must not depend on the second a build runs in. */
const T0 = 1_000_000_000;
const T1 = 1_100_000_000;
const T2 = 1_200_000_000;

const sh = (...commands: string[]) => `RUN set -e; ${commands.join('; ')}`;

// The base: the root layer, then one layer with a file, folder, link or node for each case B
// changes. Hard-link pairs are named so that the original sorts first: Docker's layer tar then
// writes it as the file and the other name as the link to it.
const BASE = [
  `FROM ${TAGS.root}`,
  sh(
    'mkdir -p /data /links /sym /swap/dir2file/sub /nodes /modes/dir /modes/sticky /gone-dir/sub /opq/old /keep-dir',
    'echo same > /data/same.txt',
    'echo aaaa > /data/edit.txt',
    'echo x > /data/grow.txt',
    'echo m > /data/mode.sh && chmod 644 /data/mode.sh',
    'echo o > /data/owner.txt',
    'echo g > /data/group.txt',
    `echo t > /data/touch.txt && touch -d @${T0} /data/touch.txt`,
    `echo tm > /data/touch-mode.txt && touch -d @${T0} /data/touch-mode.txt`,
    ': > /data/empty',
    'head -c 65536 /bin/busybox > /data/big.bin',
    // Between /data and /data/… in byte order, after /data's whole subtree in tree order.
    'echo dash > /data-x.txt',
    'echo g > /gone.txt',
    'echo a > /gone-dir/a && echo c > /gone-dir/sub/c',
    `echo a > /opq/old/a && echo b > /opq/b && touch -d @${T0} /opq/b && echo k > /opq/kept-name`,
    'echo x > /swap/dir2file/sub/x',
    'echo f > /swap/file2dir',
    'ln -s /data /swap/link2dir',
    'echo fl > /swap/file2link',
    'mkfifo /swap/fifo2file',
    'echo pair > /links/pair-a && ln /links/pair-a /links/pair-b',
    'echo orig > /links/a-orig && ln /links/a-orig /links/b-hard',
    'echo solo > /links/solo',
    `echo twin > /links/twin-a && touch -d @${T0} /links/twin-a && ln /links/twin-a /links/twin-b`,
    'ln -s /data/same.txt /sym/abs && ln -s ../data/same.txt /sym/rel && ln -s nowhere /sym/dangling',
    'mknod /nodes/null c 1 3 && mknod /nodes/loop b 7 0',
    'echo s > /modes/suid && chmod 755 /modes/suid /modes/dir && chmod 777 /modes/sticky',
    `echo k > /keep-dir/k && touch -d @${T0} /keep-dir`,
  ),
];

/** B's first own layer (B as of layer 2 is this image). */
const B1 = [
  `FROM ${TAGS.base}`,
  'ENV MODE=b KEEP=k ONLY_B=',
  'LABEL shared=1 stage=b',
  'CMD ["/bin/sh", "-c", "true"]',
  // Edits: content (one of the same size, one of a single byte in 64 KiB), then attributes alone.
  sh(
    'echo bbbb > /data/edit.txt',
    'echo xyz > /data/grow.txt',
    'echo now-full > /data/empty',
    'echo dash2 > /data-x.txt',
    "printf '\\001\\002' | dd of=/data/big.bin bs=1 seek=4096 conv=notrunc",
    'chmod 755 /data/mode.sh',
    'chown 1000 /data/owner.txt',
    'chown 0:2000 /data/group.txt',
    // chown clears a file's capabilities (the kernel drops security.capability): an xattr-only change.
    'chown 0:0 /caps/ping',
    `touch -d @${T1} /data/touch.txt`,
    `chmod 600 /data/touch-mode.txt && touch -d @${T1} /data/touch-mode.txt`,
    `touch -d @${T2} /keep-dir`,
  ),
];

const B = [
  `FROM ${TAGS.b1}`,
  // Deletes, an opaque folder (deleted and made again: its old entries gone, one re-created
  // as it was), and replacements of one kind of entry by another.
  sh(
    'rm /gone.txt && rm -rf /gone-dir',
    `rm -rf /opq && mkdir /opq && echo fresh > /opq/fresh && echo b > /opq/b && touch -d @${T0} /opq/b`,
    'rm -rf /swap/dir2file && echo now-file > /swap/dir2file',
    'rm /swap/file2dir && mkdir /swap/file2dir && echo in > /swap/file2dir/inner',
    'rm /swap/link2dir && mkdir /swap/link2dir && echo d > /swap/link2dir/d',
    'rm /swap/file2link && ln -s /data/same.txt /swap/file2link',
    'rm /swap/fifo2file && echo was-fifo > /swap/fifo2file',
    'mkdir -p /new/deep && echo n > /new/deep/file',
  ),
  // Hard links (b-hard keeps the bytes a-orig had; pair-b outlives pair-a; twin-b becomes an
  // independent copy with the same bytes and attributes; solo gets a second name), a symlink
  // retargeted, a device renumbered, special mode bits.
  sh(
    'echo replaced > /links/a-orig',
    'rm /links/pair-a',
    'ln /links/solo /links/solo-link',
    'rm /links/twin-b && cp -p /links/twin-a /links/twin-b',
    'ln -sfn /data/edit.txt /sym/abs',
    'rm /nodes/null && mknod /nodes/null c 1 5',
    'chmod 4755 /modes/suid && chmod 700 /modes/dir && chmod 1777 /modes/sticky',
  ),
];

const A = [
  `FROM ${TAGS.base}`,
  'ENV MODE=a KEEP=k',
  'LABEL shared=1',
  sh('echo A > /a-only.txt', 'echo cccc > /data/edit.txt', 'rm /data/owner.txt', 'chmod 600 /data/same.txt'),
];

/**
 * What `docker create` adds to every container whatever the image holds (moby's init layer;
 * docker-view.ts says why for each): /.dockerenv, /etc/hosts, /etc/hostname, /etc/resolv.conf,
 * /etc/mtab, /dev/console, /dev/pts, /dev/shm, and their folders /etc, /dev, /proc, /sys. The
 * images here have none of these paths (checked against their layer tars), so in an export they
 * are Docker's alone; exactly these are left out, anything else Docker added would be compared.
 */
const RUNTIME = new Set<string>([...RUNTIME_ENTRIES, ...INIT_LAYER_DIRS]);

/** One path of a merged filesystem as Docker's export shows it, in the contract's terms. */
interface DockerNode {
  type: FsType;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  size: number;
  digest: string | null;
  linkTarget: string | null;
  device: string | null;
  /** `name=size` of each extended attribute, sorted (what GNU tar can list of them), or null. */
  xattrs: string[] | null;
}
type DockerFs = Map<string, DockerNode>;

/** The parts of `docker image inspect`'s Config the comparison's `config` rows are checked against. */
interface DockerConfig {
  Env: string[] | null;
  Labels: Record<string, string> | null;
  Cmd: string[] | null;
}

interface ImageFacts {
  id: string;
  config: DockerConfig;
  /** diff_ids, base first, per `docker image inspect`. */
  diffIds: string[];
  /** Each layer tar of `docker save`, base first, as GNU tar lists it. */
  layers: TarRecord[][];
  /** Bytes of each of those layer tars (uncompressed: `docker save` writes them plain). */
  layerSizes: number[];
  fs: DockerFs;
}

let docker: DockerCli;
let work: string;
let app: FastifyInstance;
const built: string[] = [];
let base: Pick<ImageFacts, 'diffIds' | 'layers' | 'fs'>;
let imageA: ImageFacts;
let imageB: ImageFacts;
/** Docker's listing of B1 (B as of its first own layer), and its diff_ids. */
let fsB1: DockerFs;
let diffIdsB1: string[];

/**
 * The root layer, `docker import`ed from a GNU tar (POSIX format, the capability as a PAX xattr
 * record): /bin/busybox with its applets, /caps/ping and /caps/keep with a capability each.
 */
async function dockerImportRoot(tag: string): Promise<void> {
  const root = path.join(work, 'rootfs');
  const bin = path.join(root, 'bin');
  await mkdir(bin, { recursive: true });
  await copyFile('/bin/busybox', path.join(bin, 'busybox'));
  await chmod(path.join(bin, 'busybox'), 0o755);
  for (const applet of APPLETS) await symlink('busybox', path.join(bin, applet));
  await mkdir(path.join(root, 'caps'));
  for (const name of ['ping', 'keep']) {
    await writeFile(path.join(root, 'caps', name), `${name}\n`, { mode: 0o755 });
    await run('setcap', [CAPABILITY, path.join(root, 'caps', name)]);
  }
  const tar = path.join(work, 'rootfs.tar');
  // GNU tar's PAX records carry the files' nanoseconds; docker export truncates them to the
  // second, as a comparison must (an mtime is whole seconds in the contract).
  await run('tar', ['--xattrs', '--xattrs-include=security.capability', '--format=posix', '--numeric-owner', '--owner=0', '--group=0', '-cf', tar, '-C', root, '.']);
  await docker.run(['import', '-c', 'CMD ["/bin/sh"]', tar, tag]);
  built.push(tag);
}

/** `docker build` of a Dockerfile with an empty context, tagged. */
async function dockerBuild(tag: string, steps: string[]): Promise<void> {
  const ctx = path.join(work, tag.replace(/[:/]/g, '-'));
  await mkdir(ctx, { recursive: true });
  await writeFile(path.join(ctx, 'Dockerfile'), `${steps.join('\n')}\n`);
  await docker.run(['build', '--no-cache', '--force-rm', '--network', 'none', '-q', '-t', tag, ctx]);
  built.push(tag);
}

/** diff_ids and config per Docker, and each layer tar of `docker save` as GNU tar lists it. */
async function dockerLayers(tag: string, archive: string): Promise<Omit<ImageFacts, 'id' | 'fs'>> {
  const [inspect] = JSON.parse(await docker.text(['image', 'inspect', tag])) as Array<{ RootFS: { Layers: string[] }; Config: DockerConfig }>;
  const dir = `${archive}.d`;
  await mkdir(dir, { recursive: true });
  await run('tar', ['-xf', archive, '-C', dir]);
  const [manifest] = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
  return {
    diffIds: inspect.RootFS.Layers,
    config: inspect.Config,
    layers: await Promise.all(manifest.Layers.map((l) => listTar(path.join(dir, l)))),
    layerSizes: await Promise.all(manifest.Layers.map(async (l) => (await stat(path.join(dir, l))).size)),
  };
}

/** `docker export` of a created container of `tag`, listed by GNU tar, runtime entries left out. */
async function dockerFs(tag: string): Promise<DockerFs> {
  const file = path.join(work, `${tag.replace(/[:/]/g, '-')}.export.tar`);
  const container = (await docker.text(['create', '--network', 'none', tag])).trim();
  try {
    await docker.run(['export', '-o', file, container]);
  } finally {
    await docker.run(['rm', '--force', container]);
  }
  const [records, digests, xattrs] = await Promise.all([listTar(file), tarFileDigests(file), listTarXattrs(file)]);
  // A hard link is listed as the file it shares (listingFromTar): its size and digest are the target's.
  const listing = listingFromTar(records, digests);
  const mtimes = new Map(records.map((r) => [r.path, r.mtime]));
  const fs: DockerFs = new Map();
  for (const [p, r] of listing) {
    if (RUNTIME.has(p)) continue;
    fs.set(p, {
      type: r.type as FsType,
      mode: r.mode,
      uid: r.uid,
      gid: r.gid,
      mtime: mtimes.get(p)!,
      size: r.size ?? 0,
      digest: r.digest,
      linkTarget: r.link,
      device: r.device,
      xattrs: xattrs.get(p) ?? null,
    });
  }
  return fs;
}

/** Uploads `docker save` of `tag`; returns the image's id and Docker's layers of it. */
async function saveAndUpload(tag: string): Promise<Omit<ImageFacts, 'fs'>> {
  const archive = path.join(work, `${tag.replace(/[:/]/g, '-')}.tar`);
  await docker.run(['save', '-o', archive, tag]);
  const res = await upload(app, archive);
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`upload of ${tag}: ${res.statusCode} ${res.body}`);
  return { id: (res.json() as { id: string }).id, ...(await dockerLayers(tag, archive)) };
}

// ---- The comparison the contract defines, computed from two Docker listings ----------------

const FIELD_ORDER: CompareField[] = ['content', 'linkTarget', 'device', 'mode', 'uid', 'gid', 'mtime', 'xattrs'];
const CONTENT_FIELDS = new Set<CompareField>(['content', 'linkTarget', 'device']);

interface Change {
  path: string;
  change: CompareChange;
  fields: CompareField[];
  mtimeOnly: boolean;
  a: DockerNode | null;
  b: DockerNode | null;
}

function classify(p: string, a: DockerNode | undefined, b: DockerNode | undefined): Change | null {
  if (!a || !b) return { path: p, change: a ? 'removed' : 'added', fields: [], mtimeOnly: false, a: a ?? null, b: b ?? null };
  if (a.type !== b.type) return { path: p, change: 'type', fields: [], mtimeOnly: false, a, b };
  const fields: CompareField[] = [];
  if (a.digest !== b.digest) fields.push('content'); // by content sha256, never by size
  if (a.linkTarget !== b.linkTarget) fields.push('linkTarget');
  if (a.device !== b.device) fields.push('device');
  for (const f of ['mode', 'uid', 'gid', 'mtime'] as const) if (a[f] !== b[f]) fields.push(f);
  if (JSON.stringify(a.xattrs) !== JSON.stringify(b.xattrs)) fields.push('xattrs');
  if (!fields.length) return null;
  const modified = fields.some((f) => CONTENT_FIELDS.has(f));
  return { path: p, change: modified ? 'modified' : 'metadata', fields, mtimeOnly: !modified && fields.length === 1 && fields[0] === 'mtime', a, b };
}

/** Tree order: depth first, a folder before what is below it, siblings by name. */
function treeOrder(x: string, y: string): number {
  const [px, py] = [x.split('/'), y.split('/')];
  for (let i = 0; i < Math.min(px.length, py.length); i++) if (px[i] !== py[i]) return px[i] < py[i] ? -1 : 1;
  return px.length - py.length;
}

/** Every differing path of A → B, mtime-only ones included, in tree order. */
function allChanges(a: DockerFs, b: DockerFs): Change[] {
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort(treeOrder);
  return paths.flatMap((p) => classify(p, a.get(p), b.get(p)) ?? []);
}

/** The flat list `/api/compare/changes` must give, as one line per item (mtime-only ones with `mtime=1` only). */
function expectedLines(changes: Change[], mtime: boolean): string[] {
  const listed = changes.filter((c) => mtime || !c.mtimeOnly);
  return listed.map((c) => lineWithBelow(c, listed));
}

/** An item's line, with the count and bytes of the listed changes strictly below its path. */
function lineWithBelow(c: Omit<Change, 'change'> & { change: CompareChange | null }, listed: Change[]): string {
  const below = listed.filter((d) => d.path.startsWith(`${c.path}/`));
  const sum = (side: 'a' | 'b') => below.reduce((s, d) => s + (d[side]?.size ?? 0), 0);
  return itemLine({ path: `/${c.path}`, change: c.change, fields: c.fields, mtimeOnly: c.mtimeOnly, a: c.a, b: c.b, changesBelow: below.length, bytesBelowA: sum('a'), bytesBelowB: sum('b') });
}

/**
 * The tree of differences walked from the root through every folder with changes below it, in
 * tree order: the listed changes, and the folders above them whose own entry is unchanged (or
 * changed in its mtime alone without `mtime=1`), those with `change: null`.
 */
function expectedTreeLines(a: DockerFs, b: DockerFs, changes: Change[], mtime: boolean): string[] {
  const listed = changes.filter((c) => mtime || !c.mtimeOnly);
  const listedPaths = new Set(listed.map((c) => c.path));
  const folders = [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p)?.type === 'dir' && b.get(p)?.type === 'dir'
    && !listedPaths.has(p) && listed.some((c) => c.path.startsWith(`${p}/`)));
  const rows = [
    ...listed.map((c) => ({ path: c.path, line: lineWithBelow(c, listed) })),
    ...folders.map((p) => ({ path: p, line: lineWithBelow({ path: p, change: null, fields: [], mtimeOnly: false, a: a.get(p)!, b: b.get(p)! }, listed) })),
  ];
  return rows.sort((x, y) => treeOrder(x.path, y.path)).map((r) => r.line);
}

/** With `unchanged=1`: every path of either side in tree order, those without a listed change with `change: null`. */
function expectedFullTreeLines(a: DockerFs, b: DockerFs, changes: Change[], mtime: boolean): string[] {
  const listed = changes.filter((c) => mtime || !c.mtimeOnly);
  const byPath = new Map(listed.map((c) => [c.path, c]));
  return [...new Set([...a.keys(), ...b.keys()])].sort(treeOrder).map((p) =>
    lineWithBelow(byPath.get(p) ?? { path: p, change: null, fields: [], mtimeOnly: false, a: a.get(p) ?? null, b: b.get(p) ?? null }, listed));
}

type Side = DockerNode | null;

/** One item in a line a person can read in a failure: every field the oracle can state. */
function itemLine(i: { path: string; change: CompareChange | null; fields: CompareField[]; mtimeOnly: boolean; a: Side; b: Side; changesBelow: number; bytesBelowA: number; bytesBelowB: number }): string {
  const side = (n: Side) => (n === null
    ? '-'
    : [n.type, n.mode.toString(8).padStart(4, '0'), `${n.uid}/${n.gid}`, `t${n.mtime}`, `${n.size}B`, n.digest?.slice(0, 19) ?? '', n.linkTarget === null ? '' : `->${n.linkTarget}`, n.device ?? '', n.xattrs === null ? '' : `xattrs ${n.xattrs.join(',')}`].filter(Boolean).join(' '));
  const fields = [...i.fields].sort((x, y) => FIELD_ORDER.indexOf(x) - FIELD_ORDER.indexOf(y)).join(',');
  return `${i.path} ${i.change}${fields ? ` [${fields}]` : ''}${i.mtimeOnly ? ' mtime-only' : ''} | A: ${side(i.a)} | B: ${side(i.b)} | below ${i.changesBelow} ${i.bytesBelowA}B/${i.bytesBelowB}B`;
}

/** Listed changes by kind, as a page's `counts`. */
function countsOf(changes: Change[], mtime: boolean): ComparePage['counts'] {
  const counts = { added: 0, removed: 0, modified: 0, type: 0, metadata: 0 };
  for (const c of changes) if (mtime || !c.mtimeOnly) counts[c.change]++;
  return counts;
}

/** The `fs` part of `/api/compare`: mtime-only changes counted apart, whether listed or not. */
function expectedFsSummary(a: DockerFs, b: DockerFs, changes: Change[]): CompareFsSummary {
  const bytesOf = (fs: DockerFs) => [...fs.values()].reduce((s, n) => s + n.size, 0);
  const s: CompareFsSummary = {
    entries: { a: a.size, b: b.size },
    bytes: { a: bytesOf(a), b: bytesOf(b) },
    added: { count: 0, bytes: 0 },
    removed: { count: 0, bytes: 0 },
    modified: { count: 0, bytesA: 0, bytesB: 0, content: 0, linkTarget: 0, device: 0 },
    type: { count: 0, bytesA: 0, bytesB: 0 },
    metadata: { count: 0, mode: 0, uid: 0, gid: 0, mtime: 0, xattrs: 0 },
    mtimeOnly: { count: 0 },
    bytesAdded: 0,
    bytesRemoved: 0,
    net: 0,
  };
  for (const c of changes) {
    const [sizeA, sizeB] = [c.a?.size ?? 0, c.b?.size ?? 0];
    if (c.change === 'added') Object.assign(s.added, { count: s.added.count + 1, bytes: s.added.bytes + sizeB });
    else if (c.change === 'removed') Object.assign(s.removed, { count: s.removed.count + 1, bytes: s.removed.bytes + sizeA });
    else if (c.change === 'type') Object.assign(s.type, { count: s.type.count + 1, bytesA: s.type.bytesA + sizeA, bytesB: s.type.bytesB + sizeB });
    else if (c.change === 'modified') {
      Object.assign(s.modified, { count: s.modified.count + 1, bytesA: s.modified.bytesA + sizeA, bytesB: s.modified.bytesB + sizeB });
      for (const f of c.fields) if (f === 'content' || f === 'linkTarget' || f === 'device') s.modified[f]++;
    } else if (c.mtimeOnly) s.mtimeOnly.count++;
    else {
      s.metadata.count++;
      for (const f of c.fields) if (f === 'mode' || f === 'uid' || f === 'gid' || f === 'mtime' || f === 'xattrs') s.metadata[f]++;
    }
    if (c.change !== 'metadata') {
      s.bytesAdded += sizeB;
      s.bytesRemoved += sizeA;
    }
  }
  s.net = s.bytes.b - s.bytes.a;
  return s;
}

/**
 * The `config` rows of the fields the images set, from `docker image inspect`: Env by variable
 * (`NAME=` is the empty string, a missing one null), Labels by key, Cmd as a whole list.
 */
function expectedConfigRows(a: DockerConfig, b: DockerConfig): string[] {
  const env = (c: DockerConfig) => new Map((c.Env ?? []).map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]));
  const labels = (c: DockerConfig) => new Map(Object.entries(c.Labels ?? {}));
  const rows: string[] = [];
  for (const [field, ma, mb] of [['Env', env(a), env(b)], ['Labels', labels(a), labels(b)]] as const) {
    for (const key of new Set([...ma.keys(), ...mb.keys()])) {
      if (ma.get(key) !== mb.get(key)) rows.push(JSON.stringify({ field, key, a: ma.get(key) ?? null, b: mb.get(key) ?? null }));
    }
  }
  if (JSON.stringify(a.Cmd) !== JSON.stringify(b.Cmd)) rows.push(JSON.stringify({ field: 'Cmd', key: null, a: a.Cmd, b: b.Cmd }));
  return rows.sort();
}

// ---- Peel's answer, through the API -----------------------------------------------------------

/** Every page of `/api/compare/changes?{query}`, 7 items a page; each page's total and counts checked. */
async function changesThroughPages(query: string, want: { total: number; counts: ComparePage['counts'] }): Promise<CompareItem[]> {
  const items: CompareItem[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: ComparePage = await getJson<ComparePage>(app, `/api/compare/changes?${query}&paged=1&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.items.length, `page ${pages} of ${query}`).toBeLessThanOrEqual(7);
    expect({ total: page.total, counts: page.counts }, `page ${pages} of ${query}`).toEqual(want);
    items.push(...page.items);
    cursor = page.next;
    pages++;
    if (pages > 1000) throw new Error(`/api/compare/changes?${query} never ends`);
  } while (cursor !== null);
  return items;
}

/**
 * The tree of differences through `/api/compare/fs`, 7 items a page, from the root down into
 * every item `into` picks (by default those with changes below), each folder's items before the
 * next folder's (tree order).
 */
async function treeThroughPages(query: string, into = (item: CompareItem) => item.changesBelow > 0): Promise<CompareItem[]> {
  const out: CompareItem[] = [];
  const visit = async (dir: string): Promise<void> => {
    const items: CompareItem[] = [];
    let cursor: string | null = null;
    do {
      const page: ComparePage = await getJson<ComparePage>(app, `/api/compare/fs?${query}&path=${encodePathParam(dir)}&paged=1&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.items.length, `${dir}: a page of ${query}`).toBeLessThanOrEqual(7);
      items.push(...page.items);
      cursor = page.next;
    } while (cursor !== null);
    for (const item of items) {
      out.push(item);
      if (into(item)) await visit(item.path);
    }
  };
  await visit('/');
  return out;
}

const peelLines = (items: CompareItem[]) => items.map((i) => itemLine({ ...i, a: i.a && comparable(i.a), b: i.b && comparable(i.b) }));

/** An API node in the oracle's terms: no layer, each xattr as `name=size` (GNU tar lists no values). */
function comparable({ layer: _layer, xattrs, ...node }: CompareNode): DockerNode {
  const listed = xattrs && Object.entries(xattrs).map(([name, value]) => `${name}=${Buffer.from(value, 'base64').length}`).sort();
  return { ...node, xattrs: listed ?? null };
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

// ---- Setup ------------------------------------------------------------------------------------

beforeAll(async () => {
  docker = dockerCli(inject('dockerHost'));
  work = await tempDir('peel-cmpdock-');
  app = await build(path.join(work, 'data'));
  await dockerImportRoot(TAGS.root);
  await dockerBuild(TAGS.base, BASE);
  await Promise.all([dockerBuild(TAGS.a, A), dockerBuild(TAGS.b1, B1)]);
  await dockerBuild(TAGS.b, B);
  let fsBase: DockerFs, fsA: DockerFs, fsB: DockerFs;
  const [savedA, savedB] = await Promise.all([saveAndUpload(TAGS.a), saveAndUpload(TAGS.b)]);
  [fsBase, fsA, fsB1, fsB] = await Promise.all([dockerFs(TAGS.base), dockerFs(TAGS.a), dockerFs(TAGS.b1), dockerFs(TAGS.b)]);
  const diffIdsOf = async (tag: string) => (JSON.parse(await docker.text(['image', 'inspect', tag])) as Array<{ RootFS: { Layers: string[] } }>)[0].RootFS.Layers;
  const baseDiffIds = await diffIdsOf(TAGS.base);
  diffIdsB1 = await diffIdsOf(TAGS.b1);
  base = { diffIds: baseDiffIds, layers: savedB.layers.slice(0, baseDiffIds.length), fs: fsBase };
  imageA = { ...savedA, fs: fsA };
  imageB = { ...savedB, fs: fsB };
}, 600_000);

afterAll(async () => {
  await app?.close();
  if (built.length) await docker.run(['image', 'rm', '--force', ...built.reverse()]).catch(() => undefined);
  await removeDir(work);
});

// ---- The tests --------------------------------------------------------------------------------

describe('the images are what the comparison needs (checked against Docker alone)', () => {
  it('A and B share the base layers by diff_id, B1 is B as of layer 2, and no layer has a path Docker adds at run time', () => {
    expect(base.diffIds.length).toBe(2);
    expect(imageA.diffIds.slice(0, 2)).toEqual(base.diffIds);
    expect(imageB.diffIds.slice(0, 2)).toEqual(base.diffIds);
    expect(imageB.diffIds.slice(0, 3)).toEqual(diffIdsB1);
    expect([imageA.diffIds.length, imageB.diffIds.length]).toEqual([3, 5]);
    for (const image of [imageA, imageB]) {
      const runtime = image.layers.flat().filter((r) => [...RUNTIME].some((p) => r.path === p || r.path.startsWith(`${p}/`)));
      expect(runtime.map((r) => r.path)).toEqual([]);
    }
  });

  it("B's layers hold an opaque folder, whiteouts, and hard links whose original a later layer deletes or rewrites", () => {
    const [, baseLayer] = base.layers;
    const link = (p: string) => baseLayer.find((r) => r.path === p);
    expect(link('links/b-hard')).toMatchObject({ type: 'h', link: 'links/a-orig' });
    expect(link('links/pair-b')).toMatchObject({ type: 'h', link: 'links/pair-a' });
    expect(link('links/twin-b')).toMatchObject({ type: 'h', link: 'links/twin-a' });
    const ownB = imageB.layers.slice(2).flat().map((r) => r.path);
    expect(ownB).toEqual(expect.arrayContaining(['opq/.wh..wh..opq', '.wh.gone.txt', '.wh.gone-dir', 'links/.wh.pair-a', 'links/a-orig']));
  });

  it("Docker's own diff of base → B has every case of the recipe (so the comparison below tests all of them)", () => {
    const changes = allChanges(base.fs, imageB.fs);
    const row = (p: string) => {
      const c = changes.find((x) => x.path === p);
      return c ? `${c.change}${c.fields.length ? ` ${c.fields.join(',')}` : ''}` : 'unchanged';
    };
    expect(Object.fromEntries(
      ['caps/ping', 'caps/keep', 'data/edit.txt', 'data/big.bin', 'data/mode.sh', 'data/owner.txt', 'data/group.txt', 'data/touch.txt', 'data/touch-mode.txt', 'keep-dir',
        'gone.txt', 'gone-dir/sub/c', 'opq/old/a', 'opq/kept-name', 'opq/fresh', 'opq/b', 'swap/dir2file', 'swap/dir2file/sub/x', 'swap/file2dir',
        'swap/file2dir/inner', 'swap/link2dir', 'swap/file2link', 'swap/fifo2file', 'links/a-orig', 'links/b-hard', 'links/pair-a', 'links/pair-b',
        'links/solo', 'links/solo-link', 'links/twin-b', 'sym/abs', 'nodes/null', 'nodes/loop', 'modes/suid', 'modes/dir', 'modes/sticky', 'new/deep/file', 'data-x.txt',
      ].map((p) => [p, row(p)]),
    )).toEqual({
      'caps/ping': 'metadata xattrs',
      'caps/keep': 'unchanged',
      'data/edit.txt': expect.stringMatching(/^modified content/),
      'data/big.bin': expect.stringMatching(/^modified content/),
      'data/mode.sh': 'metadata mode',
      'data/owner.txt': 'metadata uid',
      'data/group.txt': 'metadata gid',
      'data/touch.txt': 'metadata mtime',
      'data/touch-mode.txt': 'metadata mode,mtime',
      'keep-dir': 'metadata mtime',
      'gone.txt': 'removed',
      'gone-dir/sub/c': 'removed',
      'opq/old/a': 'removed',
      'opq/kept-name': 'removed',
      'opq/fresh': 'added',
      'opq/b': 'unchanged',
      'swap/dir2file': 'type',
      'swap/dir2file/sub/x': 'removed',
      'swap/file2dir': 'type',
      'swap/file2dir/inner': 'added',
      'swap/link2dir': 'type',
      'swap/file2link': 'type',
      'swap/fifo2file': 'type',
      'links/a-orig': expect.stringMatching(/^modified content/),
      'links/b-hard': 'unchanged',
      'links/pair-a': 'removed',
      'links/pair-b': 'unchanged',
      'links/solo': 'unchanged',
      'links/solo-link': 'added',
      'links/twin-b': 'unchanged',
      'sym/abs': expect.stringMatching(/^modified linkTarget/),
      'nodes/null': expect.stringMatching(/^modified device/),
      'nodes/loop': 'unchanged',
      'modes/suid': 'metadata mode',
      'modes/dir': 'metadata mode',
      'modes/sticky': 'metadata mode',
      'new/deep/file': 'added',
      'data-x.txt': expect.stringMatching(/^modified content/),
    });
    expect([base.fs.get('caps/ping')!.xattrs, imageB.fs.get('caps/ping')!.xattrs, imageB.fs.get('caps/keep')!.xattrs])
      .toEqual([['security.capability=20'], null, ['security.capability=20']]);
    // Same size, other bytes: only the digest can tell.
    for (const p of ['data/edit.txt', 'data/big.bin']) expect(base.fs.get(p)!.size, p).toBe(imageB.fs.get(p)!.size);
  });
});

/** The two sides of a comparison (`aLayer`/`bLayer`: as of that layer), and Docker's listing of each. */
interface Sides {
  a: ImageFacts;
  aLayer: number | null;
  b: ImageFacts;
  bLayer: number | null;
  oracleA: DockerFs;
  oracleB: DockerFs;
}

// Functions: the images exist only once beforeAll has built them.
describe.each<{ title: string; sides: () => Sides }>([
  { title: 'A against B', sides: () => ({ a: imageA, aLayer: null, b: imageB, bLayer: null, oracleA: imageA.fs, oracleB: imageB.fs }) },
  { title: 'B against A', sides: () => ({ a: imageB, aLayer: null, b: imageA, bLayer: null, oracleA: imageB.fs, oracleB: imageA.fs }) },
  {
    title: 'B as of its last base layer against the whole of B',
    sides: () => ({ a: imageB, aLayer: base.diffIds.length - 1, b: imageB, bLayer: null, oracleA: base.fs, oracleB: imageB.fs }),
  },
  {
    title: 'A against B as of its first own layer',
    sides: () => ({ a: imageA, aLayer: null, b: imageB, bLayer: base.diffIds.length, oracleA: imageA.fs, oracleB: fsB1 }),
  },
  {
    title: 'B as of its first own layer against B as of its last (what the last two layers did together)',
    sides: () => ({ a: imageB, aLayer: base.diffIds.length, b: imageB, bLayer: imageB.diffIds.length - 1, oracleA: fsB1, oracleB: imageB.fs }),
  },
])('$title', ({ sides }) => {
  const query = (mtime: boolean) => {
    const { a, b, aLayer, bLayer } = sides();
    return `a=${a.id}${aLayer === null ? '' : `&aLayer=${aLayer}`}&b=${b.id}${bLayer === null ? '' : `&bLayer=${bLayer}`}${mtime ? '&mtime=1' : ''}`;
  };

  /** What Docker's two listings say the flat list is. */
  const expected = (mtime: boolean) => {
    const { oracleA, oracleB } = sides();
    const changes = allChanges(oracleA, oracleB);
    return { lines: expectedLines(changes, mtime), counts: countsOf(changes, mtime) };
  };
  const walk = (mtime: boolean) => {
    const { lines, counts } = expected(mtime);
    return changesThroughPages(query(mtime), { total: lines.length, counts });
  };

  it.each([false, true])('every page of /api/compare/changes (mtime=%s) is the diff of the two docker export listings', async (mtime) => {
    const want = expected(mtime).lines;
    expect(want.length).toBeGreaterThan(mtime ? 10 : 3);
    const items = await walk(mtime);
    expect(items.filter((i) => i.name !== i.path.split('/').pop()).map((i) => [i.path, i.name])).toEqual([]);
    expect(peelLines(items)).toEqual(want);
  });

  it('kinds=removed,type lists those changes alone, folders counting only them below, every page counting all kinds', async () => {
    const { oracleA, oracleB } = sides();
    const changes = allChanges(oracleA, oracleB);
    const kept = changes.filter((c) => c.change === 'removed' || c.change === 'type');
    const want = kept.map((c) => lineWithBelow(c, kept));
    expect(want.length).toBeGreaterThan(0);
    const items = await changesThroughPages(`${query(false)}&kinds=removed,type`, { total: want.length, counts: countsOf(changes, false) });
    expect(peelLines(items)).toEqual(want);
  });

  it.each([false, true])('walking /api/compare/fs (mtime=%s) from the root gives the same changes and the unchanged folders above them', async (mtime) => {
    const { oracleA, oracleB } = sides();
    const want = expectedTreeLines(oracleA, oracleB, allChanges(oracleA, oracleB), mtime);
    expect(peelLines(await treeThroughPages(query(mtime)))).toEqual(want);
  });

  it.each([false, true])('with unchanged=1 (mtime=%s), every folder of /api/compare/fs walked gives every path of both exports side by side', async (mtime) => {
    const { oracleA, oracleB } = sides();
    const want = expectedFullTreeLines(oracleA, oracleB, allChanges(oracleA, oracleB), mtime);
    expect(want.length).toBeGreaterThan(50);
    const items = await treeThroughPages(`${query(mtime)}&unchanged=1`, (item) => item.a?.type === 'dir' || item.b?.type === 'dir');
    expect(peelLines(items)).toEqual(want);
  });

  it('/api/compare sums up the same changes and names the shared layers as Docker stacks them', async () => {
    const { a, b, aLayer, bLayer, oracleA, oracleB } = sides();
    const changes = allChanges(oracleA, oracleB);
    const fs = expectedFsSummary(oracleA, oracleB, changes);
    const summary = await getJson<CompareSummary>(app, `/api/compare?${query(false)}`);
    expect(summary.fs).toEqual(fs);
    // mtime=1 lists mtime-only changes; the counts already keep them apart either way.
    expect((await getJson<CompareSummary>(app, `/api/compare?${query(true)}`)).fs).toEqual(fs);
    expect(summary.identical).toBe(false);
    // The layer stacks of the sides as `docker image inspect` gives them, aligned by diff_id.
    const diffIdsA = aLayer === null ? a.diffIds : a.diffIds.slice(0, aLayer + 1);
    const diffIdsB = bLayer === null ? b.diffIds : b.diffIds.slice(0, bLayer + 1);
    let shared = 0;
    while (shared < Math.min(diffIdsA.length, diffIdsB.length) && diffIdsA[shared] === diffIdsB[shared]) shared++;
    expect(shared).toBeGreaterThanOrEqual(base.diffIds.length);
    const ref = (image: ImageFacts) => (d: string, i: number) => [shared + i, d, image.layerSizes[shared + i]];
    expect({
      shared: summary.layers.shared,
      onlyA: summary.layers.onlyA.map((l) => [l.index, l.diffId, l.size]),
      onlyB: summary.layers.onlyB.map((l) => [l.index, l.diffId, l.size]),
    }).toEqual({
      shared,
      onlyA: diffIdsA.slice(shared).map(ref(a)),
      onlyB: diffIdsB.slice(shared).map(ref(b)),
    });
    expect([summary.a, summary.b].map((s) => [s.id, s.asOfLayer, s.layerCount])).toEqual([
      [a.id, aLayer, a.diffIds.length],
      [b.id, bLayer, b.diffIds.length],
    ]);
    // The config is the image's, whatever layer a side stops at.
    const configRows = summary.config.filter((c) => ['Env', 'Labels', 'Cmd'].includes(c.field)).map((c) => JSON.stringify({ field: c.field, key: c.key, a: c.a, b: c.b }));
    expect(configRows.sort()).toEqual(expectedConfigRows(a.config, b.config));
    expect(summary.config.filter((c) => !['Env', 'Labels', 'Cmd'].includes(c.field))).toEqual([]);
  });

  it("every file's bytes on each side are the content its entry's layer gives (GET /content?path&layer), as Docker exported them", async () => {
    const { a, aLayer, b, bLayer, oracleA, oracleB } = sides();
    let checked = 0;
    // Every path of both sides (unchanged=1), hard links whose original a later layer deleted or rewrote among them.
    for (const item of await treeThroughPages(`${query(false)}&unchanged=1`, (i) => i.a?.type === 'dir' || i.b?.type === 'dir')) {
      for (const [image, asOf, oracle, node] of [[a, aLayer, oracleA, item.a], [b, bLayer, oracleB, item.b]] as const) {
        if (node?.type !== 'file') continue;
        expect(node.layer, item.path).toBeLessThanOrEqual(asOf ?? image.diffIds.length - 1);
        const res = await app.inject(`/api/images/${image.id}/content?path=${encodePathParam(item.path)}&layer=${node.layer}`);
        expect(res.statusCode, `${item.path} layer ${node.layer}: ${res.body.slice(0, 200)}`).toBe(200);
        expect(sha256(res.rawPayload), `${item.path} in layer ${node.layer}`).toBe(oracle.get(item.path.slice(1))?.digest);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe('an image against itself', () => {
  it('is identical: no change listed, every entry docker export has counted on both sides', async () => {
    const summary = await getJson<CompareSummary>(app, `/api/compare?a=${imageB.id}&b=${imageB.id}&mtime=1`);
    const bytes = [...imageB.fs.values()].reduce((s, n) => s + n.size, 0);
    expect(summary.identical).toBe(true);
    expect(summary.fs).toEqual(expectedFsSummary(imageB.fs, imageB.fs, []));
    expect(summary.fs.bytes).toEqual({ a: bytes, b: bytes });
    const page = await getJson<ComparePage>(app, `/api/compare/changes?a=${imageB.id}&b=${imageB.id}&mtime=1&paged=1`);
    expect([page.items, page.total, page.next]).toEqual([[], 0, null]);
    expect(summary.config).toEqual([]);
  });
});
