/**
 * `peel diff` of two images Docker built from one base, against Docker's own account of them:
 * `docker export` of each, extracted by GNU tar into two folders, compared with `diff -rq
 * --no-dereference` (content, symlink targets) and `find -printf` listings (kind, mode, owner,
 * size, mtime). Peel is never its own oracle here.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { peel } from '../helpers/run.js';
import { tempDir } from '../helpers/tmp.js';

const exec = promisify(execFile);
const run = `t${randomBytes(4).toString('hex')}`;
const TAGS = { base: `cmp-base:${run}`, a: `cmp-a:${run}`, b: `cmp-b:${run}` };
const APPLETS = ['sh', 'mkdir', 'echo', 'rm', 'ln', 'chmod', 'chown', 'touch'];

// Shared base: every path B then changes, in each way it can change.
const BASE = [
  'FROM scratch',
  'COPY rootfs/ /',
  ['RUN mkdir -p /srv/keep /srv/gone/sub /srv/opq/old /swap/d2f/sub',
    'echo same > /srv/keep/same.txt', 'echo aaaa > /srv/keep/edit.txt', 'echo x > /srv/keep/grow.txt',
    'echo m > /srv/keep/mode.sh', 'chmod 0644 /srv/keep/mode.sh',
    'echo t > /srv/keep/touch.txt', 'touch -d @1000000000 /srv/keep/touch.txt',
    'echo o > /srv/keep/owner.txt', 'echo g > /srv/gone/sub/g', 'echo h > /srv/gone/h',
    'echo old > /srv/opq/old/a', 'echo b > /srv/opq/b', 'echo f > /swap/f2d', 'echo d > /swap/d2f/sub/x',
    'ln -s keep/same.txt /srv/link', 'echo shared > /srv/hard-orig', 'ln /srv/hard-orig /srv/hard-link',
    'echo bye > /srv/wh.txt'].join(' && '),
  'CMD ["/bin/sh"]',
];
const A_STEPS = ['RUN echo a-only > /srv/a-only.txt', 'ENV SIDE=a KEEP=1'];
const B_STEPS = [
  ['RUN echo bbbb > /srv/keep/edit.txt', // same size, other bytes
    'echo xyz > /srv/keep/grow.txt',
    'chmod 0755 /srv/keep/mode.sh', // mode only
    'touch -d @1100000000 /srv/keep/touch.txt', // mtime only
    'chown 1000:2000 /srv/keep/owner.txt',
    'rm /srv/wh.txt', 'rm -rf /srv/gone', // whiteouts of a file and of a folder
    'rm -rf /srv/opq', 'mkdir /srv/opq', 'echo fresh > /srv/opq/fresh', // an opaque folder
    'rm /swap/f2d', 'mkdir /swap/f2d', 'echo in > /swap/f2d/in', // file -> folder
    'rm -rf /swap/d2f', 'echo now-a-file > /swap/d2f', // folder -> file
    'rm /srv/link', 'ln -s keep/edit.txt /srv/link', // another symlink target
    'echo replaced > /srv/hard-orig', // the link keeps the old bytes
    'ln /srv/keep/same.txt /srv/keep/same-hard', // a new hard link to an unchanged file
    'mkdir -p /srv/new/deep', 'echo new > /srv/new/deep/file'].join(' && '),
  'ENV SIDE=b NEW=2',
];

// Docker's init layer puts these into every export (moby daemon/initlayer), with the time of
// `docker create`: they are the container's, not the image's (the images have none of them).
const RUNTIME = /^(\.dockerenv|etc|dev|proc|sys)(\/|$)/;

async function docker(args: string[]): Promise<string> {
  const env = { ...process.env, DOCKER_HOST: inject('dockerHost'), DOCKER_BUILDKIT: '0' };
  return (await exec('docker', args, { env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' })).stdout;
}

/** Builds FROM-scratch `steps` (the base's context: busybox and its applets). */
async function build(dir: string, tag: string, steps: string[]): Promise<void> {
  await writeFile(path.join(dir, 'Dockerfile'), `${steps.join('\n')}\n`);
  await docker(['build', '--no-cache', '--force-rm', '--network', 'none', '-q', '-t', tag, dir]);
}

interface Listed { type: string; mode: string; uid: string; gid: string; size: number; link: string; mtime: string }

/** `find -printf` of an extracted export: path → kind, mode, owner, size, link target, mtime. */
async function listing(dir: string): Promise<Map<string, Listed>> {
  const out = await exec('find', [dir, '-mindepth', '1', '-printf', '%P\\0%y\\0%m\\0%U\\0%G\\0%s\\0%l\\0%T@\\0'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const f = out.stdout.split('\0');
  const m = new Map<string, Listed>();
  for (let i = 0; i + 8 <= f.length; i += 8) {
    if (RUNTIME.test(f[i])) continue;
    m.set(f[i], { type: f[i + 1], mode: f[i + 2], uid: f[i + 3], gid: f[i + 4], size: Number(f[i + 5]), link: f[i + 6], mtime: f[i + 7] });
  }
  return m;
}

/** `diff -rq --no-dereference`: the paths whose file bytes or symlink targets differ. */
async function contentDiffers(a: string, b: string): Promise<Set<string>> {
  const r = await exec('diff', ['-rq', '--no-dereference', a, b], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).catch((e: { code: number; stdout: string }) => {
    if (e.code !== 1) throw e; // 1: differences found; 2: trouble
    return { stdout: e.stdout };
  });
  const paths = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(?:Files|Symbolic links) (.+) and (.+) differ$/.exec(line);
    if (m) paths.add(path.relative(a, m[1]));
  }
  return paths;
}

async function exportInto(tag: string, tar: string, dir: string): Promise<void> {
  const id = (await docker(['create', '--network', 'none', tag])).trim();
  try {
    await docker(['export', '-o', tar, id]);
  } finally {
    await docker(['rm', '--force', id]);
  }
  await mkdir(dir);
  await exec('tar', ['-xpf', tar, '-C', dir, '--numeric-owner']);
}

interface Change { path: string; change: string; fields: string[]; mtimeOnly: boolean; a: { size: number; type: string } | null; b: { size: number; type: string } | null }
interface Doc { equal: boolean; summary: { net: number; mtimeOnly: { count: number } } & Record<string, { count: number }>; changes: Change[]; config: Array<{ field: string; key: string; a: string | null; b: string | null }> }

interface Oracle {
  /** Every changed path as `peel diff --include-mtime` should list it. */
  expected: Array<{ path: string; change: string; fields: string[] }>;
  /** B's file bytes − A's. */
  net: number;
  /** File sizes per path on each side. */
  sizes: { a: Map<string, number>; b: Map<string, number> };
}

/** What differs between two extracted exports, per find and diff alone. */
async function oracleDiff(dirA: string, dirB: string): Promise<Oracle> {
  const [la, lb, differ] = await Promise.all([listing(dirA), listing(dirB), contentDiffers(dirA, dirB)]);
  const expected: Oracle['expected'] = [];
  for (const p of new Set([...la.keys(), ...lb.keys()])) {
    const [x, y] = [la.get(p), lb.get(p)];
    if (!x || !y) {
      expected.push({ path: `/${p}`, change: x ? 'removed' : 'added', fields: [] });
      continue;
    }
    if (x.type !== y.type) {
      expected.push({ path: `/${p}`, change: 'type', fields: [] });
      continue;
    }
    const fields = [
      ...(differ.has(p) ? [x.type === 'l' ? 'linkTarget' : 'content'] : []),
      ...(x.mode !== y.mode ? ['mode'] : []), ...(x.uid !== y.uid ? ['uid'] : []), ...(x.gid !== y.gid ? ['gid'] : []),
      ...(x.mtime !== y.mtime ? ['mtime'] : []),
    ];
    if (fields.length) expected.push({ path: `/${p}`, change: differ.has(p) ? 'modified' : 'metadata', fields });
  }
  const files = (l: Map<string, Listed>) => new Map([...l].filter(([, e]) => e.type === 'f').map(([p, e]) => [`/${p}`, e.size]));
  const sizes = { a: files(la), b: files(lb) };
  const bytes = (m: Map<string, number>) => [...m.values()].reduce((n, v) => n + v, 0);
  return { expected, net: bytes(sizes.b) - bytes(sizes.a), sizes };
}

let work: string;
const archives = { a: '', b: '' };
/** A against B; the base against B (B as of its last base layer). */
let aVsB: Oracle;
let baseVsB: Oracle;
const BASE_LAYERS = 2;

beforeAll(async () => {
  work = await tempDir('diff-interop');
  const ctx = path.join(work, 'ctx');
  await mkdir(path.join(ctx, 'rootfs/bin'), { recursive: true });
  await copyFile('/bin/busybox', path.join(ctx, 'rootfs/bin/busybox'));
  await chmod(path.join(ctx, 'rootfs/bin/busybox'), 0o755);
  for (const applet of APPLETS) await symlink('busybox', path.join(ctx, 'rootfs/bin', applet));
  await build(ctx, TAGS.base, BASE);
  await build(ctx, TAGS.a, [`FROM ${TAGS.base}`, ...A_STEPS]);
  await build(ctx, TAGS.b, [`FROM ${TAGS.base}`, ...B_STEPS]);
  archives.a = path.join(work, 'a.tar');
  archives.b = path.join(work, 'b.tar');
  await Promise.all([docker(['save', '-o', archives.a, TAGS.a]), docker(['save', '-o', archives.b, TAGS.b])]);

  // The oracle: the exports, extracted and compared by diff and find.
  const dir = (name: string) => path.join(work, `export-${name}`);
  for (const [name, tag] of Object.entries(TAGS)) await exportInto(tag, `${dir(name)}.tar`, dir(name));
  aVsB = await oracleDiff(dir('a'), dir('b'));
  baseVsB = await oracleDiff(dir('base'), dir('b'));
}, 300_000);

afterAll(async () => {
  await docker(['rmi', '-f', TAGS.a, TAGS.b, TAGS.base]).catch(() => undefined);
});

const key = (c: { path: string; change: string; fields: string[] }) => `${c.path} ${c.change} ${c.fields.join(',')}`;
const byPath = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** Peel's changes, net size and each changed file's sizes are the oracle's. */
function expectOracle(doc: Doc, oracle: Oracle): void {
  expect(doc.changes.map(key).sort(byPath)).toEqual(oracle.expected.map(key).sort(byPath));
  expect(doc.summary.net).toBe(oracle.net);
  for (const side of ['a', 'b'] as const) {
    const sizes = doc.changes.flatMap((c) => (c[side]?.type === 'file' ? [[c.path, c[side]!.size] as const] : []));
    expect(sizes).toEqual(sizes.map(([p]) => [p, oracle.sizes[side].get(p)]));
  }
}

describe('peel diff against the diff of two docker exports', () => {
  it('the oracle has every kind of change the images were built to have', () => {
    const keys = aVsB.expected.map(key);
    for (const k of ['/srv/keep/edit.txt modified content', '/srv/keep/mode.sh metadata mode', '/srv/keep/touch.txt metadata mtime',
      '/srv/keep/owner.txt metadata uid,gid', '/srv/wh.txt removed ', '/srv/gone/sub/g removed ', '/srv/opq/old/a removed ', '/srv/opq/fresh added ',
      '/swap/f2d type ', '/swap/d2f type ', '/srv/link modified linkTarget', '/srv/keep/same-hard added ', '/srv/a-only.txt removed ']) {
      expect(keys.some((x) => x.startsWith(k.trimEnd()))).toBe(true);
    }
    expect(keys.some((x) => x.startsWith('/srv/hard-link '))).toBe(false);
  });

  it('--include-mtime: every changed path, its kind and its changed fields, as the exports differ', async () => {
    const r = await peel(['diff', archives.a, archives.b, '--json', '--include-mtime']);
    expect([r.code, r.stderr]).toEqual([5, '']);
    expectOracle(JSON.parse(r.out) as Doc, aVsB);
  });

  it('--since-layer: B as of its last base layer against B is the base image\'s export against B\'s', async () => {
    const r = await peel(['diff', archives.b, '--since-layer', String(BASE_LAYERS - 1), '--json', '--include-mtime']);
    expect([r.code, r.stderr]).toEqual([5, '']);
    const doc = JSON.parse(r.out) as Doc & { layers: { text: string } };
    expectOracle(doc, baseVsB);
    expect(doc.layers.text).toBe(`layers 0–${BASE_LAYERS - 1} identical, then A has none, B has 1 layer`);
  });

  it('by default mtime-only changes are left out, and same-size edits are still modifications', async () => {
    const r = await peel(['diff', archives.a, archives.b, '--json']);
    expect(r.code).toBe(5);
    const doc = JSON.parse(r.out) as Doc;
    const listed = new Set(doc.changes.map((c) => c.path));
    const mtimeOnly = aVsB.expected.filter((c) => c.change === 'metadata' && c.fields.join() === 'mtime');
    expect(mtimeOnly.length).toBeGreaterThan(0);
    for (const c of mtimeOnly) expect(listed.has(c.path)).toBe(false);
    expect(doc.summary.mtimeOnly.count).toBeGreaterThanOrEqual(mtimeOnly.length);
    const edit = doc.changes.find((c) => c.path === '/srv/keep/edit.txt')!;
    expect([edit.change, edit.a!.size, edit.b!.size]).toEqual(['modified', 5, 5]);
  });

  it('the config difference is docker inspect\'s Env of each image, variable by variable', async () => {
    const env = async (tag: string) => new Map(((JSON.parse(await docker(['image', 'inspect', tag])) as Array<{ Config: { Env: string[] | null } }>)[0].Config.Env ?? [])
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
    const [ea, eb] = [await env(TAGS.a), await env(TAGS.b)];
    const keys = [...new Set([...ea.keys(), ...eb.keys()])].filter((k) => ea.get(k) !== eb.get(k)).sort();
    const doc = JSON.parse((await peel(['diff', archives.a, archives.b, '--json'])).out) as Doc;
    expect(doc.config.filter((c) => c.field === 'Env').map((c) => [c.key, c.a, c.b])).toEqual(keys.map((k) => [k, ea.get(k) ?? null, eb.get(k) ?? null]));
  });
});
