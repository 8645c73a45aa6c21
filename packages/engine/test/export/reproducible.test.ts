import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportImage, type Draft, type ExportMode, type FsBlobStore } from '../../src/index.js';
import { fixture, openFixture, tempStore } from '../helpers.js';

// The same draft exported in two processes that differ in umask and working directory (and in
// time): the archives must be the same bytes. Read back by GNU tar and JSON.parse, not by Peel.
const repoRoot = resolve(import.meta.dirname, '../../../..');
const tsx = join(repoRoot, 'node_modules/.bin/tsx');
const script = join(import.meta.dirname, 'export-process.ts');
const SOURCE = fixture('tiny-docker-legacy.tar');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'peel-repro-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function exportIn(mode: ExportMode, out: string, how: { umask: string; cwd: string; created?: number }): Promise<void> {
  return new Promise((done, fail) => {
    execFile('sh', ['-c', `umask ${how.umask} && exec "$@"`, 'sh', tsx, script, SOURCE, mode, out, ...(how.created === undefined ? [] : [String(how.created)])],
      { cwd: how.cwd }, (e, _out, stderr) => (e ? fail(new Error(`${mode} export failed: ${stderr}`)) : done()));
  });
}

/** Two exports of the draft, one per process, with a different umask and cwd each. */
async function twice(mode: ExportMode, created?: [number, number]): Promise<[string, string]> {
  const runs = await mkdtemp(join(dir, `${mode}-`));
  const [a, b] = [join(runs, 'a.tar'), join(runs, 'b.tar')];
  await mkdir(join(runs, 'cwd-a'));
  await mkdir(join(runs, 'cwd-b'));
  await exportIn(mode, a, { umask: '022', cwd: join(runs, 'cwd-a'), created: created?.[0] });
  await exportIn(mode, b, { umask: '077', cwd: join(runs, 'cwd-b'), created: created?.[1] });
  return [a, b];
}

const tarText = (archive: string, member: string) => execFileSync('tar', ['-xOf', archive, member], { encoding: 'utf8' });
const manifestOf = (archive: string) => (JSON.parse(tarText(archive, 'manifest.json')) as Array<{ Config: string; Layers: string[] }>)[0];
const configOf = (archive: string) => JSON.parse(tarText(archive, manifestOf(archive).Config)) as { created: string; history: Array<{ created?: string }> };

/** `path → mtime` of the archive's top layer, as GNU tar lists it (UTC, seconds). */
function topLayerTimes(archive: string): Map<string, string> {
  const layer = manifestOf(archive).Layers.at(-1)!;
  const text = execFileSync('sh', ['-c', 'tar -xOf "$1" "$2" | tar --utc --full-time -tvzf -', 'sh', archive, layer], { encoding: 'utf8' });
  return new Map(text.split('\n').filter(Boolean).map((l) => {
    const f = l.split(/\s+/);
    return [f.slice(5).join(' ').replace(/ -> .*$/, '').replace(/\/$/, ''), `${f[3]} ${f[4]}`];
  }));
}

/** The newest time the source image records, read from its config with GNU tar. */
function sourceTime(): string {
  const cfg = configOf(SOURCE);
  const times = [cfg.created, ...cfg.history.map((h) => h.created)].filter((t): t is string => !!t).map((t) => Date.parse(t));
  return new Date(Math.max(...times)).toISOString();
}

const MODES: ExportMode[] = ['append', 'flatten', 'rewrite'];

describe('exports are reproducible across processes', () => {
  it.each(MODES)('%s without a time: the same bytes, dated by the image itself', async (mode) => {
    const [a, b] = await twice(mode);
    const bytes = await readFile(a);
    expect(bytes.equals(await readFile(b))).toBe(true);
    const cfg = configOf(a);
    const when = sourceTime();
    expect(cfg.created).toBe(when);
    expect(cfg.history.at(-1)?.created).toBe(when);
    // What the draft wrote carries that time too (seconds), not the clock's.
    const times = topLayerTimes(a);
    const stamp = when.slice(0, 19).replace('T', ' ');
    for (const p of ['etc/os-release', 'opt/new', 'opt/new/app.conf', 'opt/new/link']) expect(times.get(p), p).toBe(stamp);
  });

  // Append and rewrite record the time the same way (one history step): flatten and append cover both paths.
  it.each(['append', 'flatten'] as const)('%s with a time: the same time gives the same bytes, another changes the created time', async (mode) => {
    const [a, b] = await twice(mode, [1_700_000_000, 1_700_000_000]);
    expect((await readFile(a)).equals(await readFile(b))).toBe(true);
    expect(configOf(a).created).toBe('2023-11-14T22:13:20.000Z');
    expect(topLayerTimes(a).get('etc/os-release')).toBe('2023-11-14 22:13:20');
    const [, later] = await twice(mode, [1_700_000_000, 1_800_000_000]);
    expect(configOf(later).created).toBe('2027-01-15T08:00:00.000Z');
    expect((await readFile(a)).equals(await readFile(later))).toBe(false);
  });
});

describe('the same draft made in another order', () => {
  let store: FsBlobStore;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ store, dispose } = await tempStore()));
  afterAll(() => dispose());

  async function bytesOf(draft: Draft, mode: ExportMode): Promise<Buffer> {
    const a = await openFixture('tiny-docker-legacy.tar', store);
    const result = await exportImage({ image: a.image, layers: a.image.layers.map((l) => a.layerScans.get(l.blob)!.entries) }, draft, { mode, store, tag: 'x:1' });
    const chunks: Buffer[] = [];
    await result.write({ write: async (c) => void chunks.push(Buffer.from(c)) });
    return Buffer.concat(chunks);
  }

  it.each(MODES)('%s: config keys the image lacks, set in two orders, give the same bytes', async (mode) => {
    const one = await bytesOf({ ops: [], config: { StopSignal: 'SIGINT', User: '1000', Shell: ['/bin/sh', '-c'] }, tag: null }, mode);
    const two = await bytesOf({ ops: [], config: { Shell: ['/bin/sh', '-c'], User: '1000', StopSignal: 'SIGINT' }, tag: null }, mode);
    expect(one.equals(two)).toBe(true);
    // The image has User (it stays in place); Shell and StopSignal are new: added in name order.
    expect(one.includes('"Shell":["/bin/sh","-c"],"StopSignal":"SIGINT"}')).toBe(true);
  });
});
