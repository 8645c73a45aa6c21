import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeContext } from './helpers/folder.js';
import { fixture, peel, peelProcess } from './helpers/run.js';
import { tempDir } from './helpers/tmp.js';
import { dockerArchive } from './helpers/ustar.js';

// `peel build` and `peel edit` run twice as real processes that differ in umask and working
// directory (the inputs named relative to one, absolute in the other): the archives they write
// are the same bytes. Created times are read back with GNU tar and JSON.parse, not by peel.

const tarText = (archive: string, member: string) => execFileSync('tar', ['-xOf', archive, member], { encoding: 'utf8' });
function configOf(archive: string): { created: string; history: Array<{ created?: string }> } {
  const manifest = (JSON.parse(tarText(archive, 'manifest.json')) as Array<{ Config: string }>)[0];
  return JSON.parse(tarText(archive, manifest.Config)) as { created: string; history: Array<{ created?: string }> };
}

/** Two folders to run from, and where outputs go. */
async function places(): Promise<{ a: string; b: string; out: (name: string) => string }> {
  const root = await tempDir('repro');
  await mkdir(path.join(root, 'a'));
  await mkdir(path.join(root, 'b'));
  return { a: path.join(root, 'a'), b: path.join(root, 'b'), out: (name) => path.join(root, name) };
}

const same = async (x: string, y: string) => (await readFile(x)).equals(await readFile(y));
/** No SOURCE_DATE_EPOCH from the environment running the tests: an empty value means unset. */
const UNSET = { SOURCE_DATE_EPOCH: '' };

describe('peel build is reproducible across processes', () => {
  it('umask and working directory do not matter; SOURCE_DATE_EPOCH sets the created time', async () => {
    const ctx = await makeContext();
    const at = await places();
    const args = (dir: string, out: string) => ['build', dir, '-t', 'peel-test/repro:1', '--cmd', '["/bin/sh"]', '-o', out];
    // From the context's parent, by a relative name; from elsewhere, by its absolute path.
    const run = (out: string, env: Record<string, string>, umask: string, relative: boolean) =>
      peelProcess(args(relative ? path.basename(ctx) : ctx, out), { cwd: relative ? path.dirname(ctx) : at.b, env, umask });
    const [a, b] = [at.out('a.tar'), at.out('b.tar')];
    expect((await run(a, UNSET, '022', true)).code).toBe(0);
    expect((await run(b, UNSET, '077', false)).code).toBe(0);
    expect(await same(a, b)).toBe(true);
    expect(configOf(a).created).toBe('1970-01-01T00:00:00.000Z');

    const [c, d, e] = [at.out('c.tar'), at.out('d.tar'), at.out('e.tar')];
    expect((await run(c, { SOURCE_DATE_EPOCH: '1700000000' }, '022', true)).code).toBe(0);
    expect((await run(d, { SOURCE_DATE_EPOCH: '1700000000' }, '077', false)).code).toBe(0);
    expect(await same(c, d)).toBe(true);
    expect(configOf(c).created).toBe('2023-11-14T22:13:20.000Z');
    expect((await run(e, { SOURCE_DATE_EPOCH: '1800000000' }, '022', true)).code).toBe(0);
    expect(configOf(e).created).toBe('2027-01-15T08:00:00.000Z');
  });
});

describe('peel edit is reproducible across processes', () => {
  const SOURCE = fixture('tiny-docker-legacy.tar');

  async function editInputs(): Promise<{ at: Awaited<ReturnType<typeof places>>; files: string }> {
    const at = await places();
    const files = path.join(path.dirname(at.a), 'files');
    await mkdir(files);
    await writeFile(path.join(files, 'os-release'), 'NAME="ALPYNE Linux"\nID=alpyne\n');
    await writeFile(path.join(files, 'app.conf'), 'key=value\n', { mode: 0o640 });
    return { at, files };
  }

  /** The edit run from the inputs' folder by relative names, or from elsewhere by absolute ones. */
  const edit = (files: string, mode: string, out: string, how: { env: Record<string, string>; umask: string; relative: boolean; cwd: string }) => {
    const f = (name: string) => (how.relative ? name : path.join(files, name));
    return peelProcess(['edit', SOURCE, '--put', `/etc/os-release=${f('os-release')}`, '--put', `/opt/new/app.conf=${f('app.conf')}`, '--rm', '/etc/shells',
      '--cmd', '["cat","/etc/os-release"]', '--mode', mode, '-t', 'peel-test/repro:1', '-o', out], { cwd: how.relative ? files : how.cwd, env: how.env, umask: how.umask });
  };

  it.each(['append', 'flatten', 'rewrite'])('%s: the same bytes from another umask and working directory, dated by the image', async (mode) => {
    const { at, files } = await editInputs();
    const [a, b] = [at.out('a.tar'), at.out('b.tar')];
    const ra = await edit(files, mode, a, { env: UNSET, umask: '022', relative: true, cwd: at.a });
    const rb = await edit(files, mode, b, { env: UNSET, umask: '077', relative: false, cwd: at.b });
    expect([ra.code, rb.code], ra.stderr + rb.stderr).toEqual([0, 0]);
    expect(await same(a, b)).toBe(true);
    const source = configOf(SOURCE);
    const newest = Math.max(...[source.created, ...source.history.map((h) => h.created)].filter((t): t is string => !!t).map((t) => Date.parse(t)));
    expect(configOf(a).created).toBe(new Date(newest).toISOString());
  });

  it('SOURCE_DATE_EPOCH: the same value gives the same bytes, another value another created time', async () => {
    const { at, files } = await editInputs();
    const [a, b, c] = [at.out('a.tar'), at.out('b.tar'), at.out('c.tar')];
    expect((await edit(files, 'flatten', a, { env: { SOURCE_DATE_EPOCH: '1700000000' }, umask: '022', relative: true, cwd: at.a })).code).toBe(0);
    expect((await edit(files, 'flatten', b, { env: { SOURCE_DATE_EPOCH: '1700000000' }, umask: '077', relative: false, cwd: at.b })).code).toBe(0);
    expect(await same(a, b)).toBe(true);
    expect(configOf(a).created).toBe('2023-11-14T22:13:20.000Z');
    expect((await edit(files, 'flatten', c, { env: { SOURCE_DATE_EPOCH: '1800000000' }, umask: '022', relative: true, cwd: at.a })).code).toBe(0);
    expect(configOf(c).created).toBe('2027-01-15T08:00:00.000Z');
    expect(configOf(c).history.at(-1)?.created).toBe('2027-01-15T08:00:00.000Z');
  });
});

describe('peel edit of an image that records no time', () => {
  it('dates the result by the newest mtime in its layers (a created time before 1970 counts as none)', async () => {
    const dir = await tempDir('untimed');
    const image = path.join(dir, 'untimed.tar');
    // Go's zero time, as some builders write it, and no time in the history.
    await writeFile(image, dockerArchive([
      [{ name: 'etc/', type: 'dir', mtime: 1_600_000_000 }, { name: 'etc/a', body: 'a\n', mtime: 1_650_000_000 }],
      [{ name: 'etc/b', body: 'b\n', mtime: 1_620_000_000 }],
    ], [], { created: '0001-01-01T00:00:00Z' }));
    await writeFile(path.join(dir, 'c'), 'c\n');
    const out = path.join(dir, 'out.tar');
    const r = await peel(['edit', image, '--put', `/etc/c=${path.join(dir, 'c')}`, '--mode', 'append', '-o', out], { env: UNSET });
    expect(r.code, r.stderr).toBe(0);
    expect(configOf(out).created).toBe(new Date(1_650_000_000 * 1000).toISOString());
    expect(configOf(out).history.at(-1)?.created).toBe('2022-04-15T05:20:00.000Z');
  });
});
