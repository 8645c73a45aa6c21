import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chown, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, peel } from './helpers/run.js';
import { makeContext } from './helpers/folder.js';
import { requireRoot } from './helpers/root.js';
import { tempDir } from './helpers/tmp.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const out = async (name: string) => path.join(await tempDir('out'), name);

interface LsRow { path: string; type: string; mode: number; uid: number; gid: number; size: number; mtime: number; linkTarget: string | null; layer: number }
async function listing(archive: string): Promise<Map<string, LsRow>> {
  const r = await peel(['ls', archive, '-R', '--json']);
  expect(r.code).toBe(0);
  return new Map((JSON.parse(r.out) as LsRow[]).map((x) => [x.path, x]));
}

describe('peel build', () => {
  it('FROM scratch: the folder becomes the image filesystem (modes kept, owners 0:0, links, names)', async () => {
    const ctx = await makeContext();
    const tar = await out('img.tar');
    const r = await peel(['build', ctx, '-t', 'peel-test/build:1', '-o', tar, '--cmd', '["/bin/tool"]', '--env', 'A=1', '--workdir', '/app']);
    expect(r.stderr).toContain('wrote');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^sha256:[a-f0-9]{64}\n$/);
    const files = await listing(tar);
    expect([...files.keys()].sort()).toEqual(['app', 'app/crème brûlée.txt', 'app/empty', 'app/hello-hardlink.txt', 'app/hello.txt', 'app/zero.txt', 'bin', 'bin/dangling', 'bin/hello', 'bin/tool']);
    expect(files.get('bin/tool')).toMatchObject({ type: 'file', mode: 0o4755, uid: 0, gid: 0 });
    expect(files.get('app/empty')).toMatchObject({ type: 'dir', mode: 0o700 });
    expect(files.get('bin/hello')).toMatchObject({ type: 'symlink', linkTarget: '../app/hello.txt' });
    expect(files.get('bin/dangling')).toMatchObject({ type: 'symlink', linkTarget: '/nowhere' });
    expect(files.get('app/hello-hardlink.txt')).toMatchObject({ type: 'file', size: 6 });
    expect((await peel(['cat', tar, '/bin/hello'])).out).toBe('hello\n');
    expect(await peel(['cat', tar, '/app/zero.txt'])).toMatchObject({ code: 0, out: '' });
    const unpacked = path.join(path.dirname(tar), 'unpacked');
    expect((await peel(['unpack', tar, unpacked, '--merged'])).code).toBe(0);
    expect(await readFile(path.join(unpacked, 'rootfs/app/zero.txt'), 'utf8')).toBe('');
    expect(await readFile(path.join(unpacked, 'LAYER_0/bin/tool'), 'utf8')).toBe('#!/bin/sh\necho tool\n');
    expect((await peel(['cat', tar, '/app/crème brûlée.txt'])).out).toBe('unicode and spaces\n');
    const j = JSON.parse((await peel(['inspect', tar, '--json'])).out);
    expect(j.tags).toEqual(['peel-test/build:1']);
    expect(j.config).toMatchObject({ Cmd: ['/bin/tool'], Env: ['A=1'], WorkingDir: '/app' });
    expect(j.layers).toHaveLength(1);
    expect(j.imageId).toBe(r.out.trim());
  });

  it('reproducible: two builds of the same folder are byte-identical; entries sorted, mtimes fixed', async () => {
    const ctx = await makeContext();
    const [a, b] = [await out('a.tar'), await out('b.tar')];
    const args = ['-t', 'peel-test/repro:1', '--cmd', '["/bin/sh"]', '--source-date-epoch', '1700000000'];
    const ra = await peel(['build', ctx, ...args, '-o', a]);
    // touch everything: host mtimes must not matter
    execFileSync('touch', ['-h', '-d', '2001-02-03', ...['app', 'app/hello.txt', 'bin/hello'].map((p) => path.join(ctx, p))]);
    const rb = await peel(['build', ctx, ...args, '-o', b]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    expect(ra.out).toBe(rb.out);
    expect(sha(await readFile(a))).toBe(sha(await readFile(b)));
    const rows = await listing(a);
    expect(new Set([...rows.values()].map((x) => x.mtime))).toEqual(new Set([1_700_000_000]));
    const j = JSON.parse((await peel(['inspect', a, '--json'])).out);
    expect(j.created).toBe('2023-11-14T22:13:20.000Z');
    // the layer tar, listed by GNU tar: parents before children, names in byte order
    const dir = await tempDir('layer');
    execFileSync('tar', ['-xf', a, '-C', dir]);
    const layerBlob = path.join(dir, JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'))[0].Layers[0]);
    const names = execFileSync('tar', ['-tzf', layerBlob], { encoding: 'utf8' }).split('\n').filter(Boolean).map((n) => n.replace(/\/$/, ''));
    expect([...names].sort()).toEqual(['app', 'app/crème brûlée.txt', 'app/empty', 'app/hello-hardlink.txt', 'app/hello.txt', 'app/zero.txt', 'bin', 'bin/dangling', 'bin/hello', 'bin/tool']);
    names.forEach((n, i) => {
      const parent = path.posix.dirname(n);
      if (parent !== '.') expect(names.indexOf(parent), `${parent} before ${n}`).toBeLessThan(i);
    });
    for (const dir of ['.', 'app', 'bin']) {
      const siblings = names.filter((n) => path.posix.dirname(n) === dir);
      expect(siblings, `siblings in ${dir}`).toEqual([...siblings].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
    }
    // one changed byte changes the image
    await writeFile(path.join(ctx, 'app/hello.txt'), 'hellO\n');
    const c = await out('c.tar');
    expect((await peel(['build', ctx, ...args, '-o', c])).out).not.toBe(ra.out);
  });

  it('SOURCE_DATE_EPOCH from the environment; default 0', async () => {
    const ctx = await makeContext();
    const envRun = await peel(['build', ctx, '-t', 'x:1', '-o', await out('e.tar')], { env: { SOURCE_DATE_EPOCH: '1700000000' } });
    const flagRun = await peel(['build', ctx, '-t', 'x:1', '-o', await out('f.tar'), '--source-date-epoch', '1700000000']);
    expect(envRun.out).toBe(flagRun.out);
    const zero = await out('z.tar');
    await peel(['build', ctx, '-t', 'x:1', '-o', zero]);
    expect(JSON.parse((await peel(['inspect', zero, '--json'])).out).created).toBe('1970-01-01T00:00:00.000Z');
  });

  it('--chown and --keep-owners', async () => {
    requireRoot('giving a file of the build folder a foreign owner for --keep-owners');
    const ctx = await makeContext();
    const chowned = await out('c.tar');
    expect((await peel(['build', ctx, '-t', 'x:1', '-o', chowned, '--chown', '1000:2000'])).code).toBe(0);
    expect((await listing(chowned)).get('app/hello.txt')).toMatchObject({ uid: 1000, gid: 2000 });
    await chown(path.join(ctx, 'app/hello.txt'), 123, 456);
    const kept = await out('k.tar');
    expect((await peel(['build', ctx, '-t', 'x:1', '-o', kept, '--keep-owners'])).code).toBe(0);
    expect((await listing(kept)).get('app/hello.txt')).toMatchObject({ uid: 123, gid: 456 });
  });

  it('--from: the base layers are kept byte for byte, the folder is one more layer, Env merged', async () => {
    const ctx = await makeContext();
    const tar = await out('on-tiny.tar');
    const r = await peel(['build', ctx, '--from', fixture('tiny-docker-legacy.tar'), '-t', 'peel-test/on-tiny:1', '-o', tar, '--env', 'PATH=/app/bin', '--env', 'B=2']);
    expect(r.code).toBe(0);
    const base = JSON.parse((await peel(['inspect', fixture('tiny-docker-legacy.tar'), '--json'])).out);
    const j = JSON.parse((await peel(['inspect', tar, '--json'])).out);
    expect(j.layers).toHaveLength(2);
    expect(j.layers[0].diffId).toBe(base.layers[0].diffId);
    expect(j.layers[0].digest).toBe(base.layers[0].digest);
    expect(j.config.Env).toEqual(['PATH=/app/bin', 'B=2']);
    expect(j.config.Cmd).toEqual(['/bin/sh']);
    const rows = await listing(tar);
    expect(rows.get('bin/busybox')?.layer).toBe(0);
    expect(rows.get('bin/tool')?.layer).toBe(1);
  });

  it('an output archive inside DIR is not copied into the next build', async () => {
    const ctx = await makeContext();
    const first = await peel(['build', ctx, '-t', 'x:1', '-o', 'image.tar'], { cwd: ctx });
    const second = await peel(['build', '.', '-t', 'x:1', '-o', 'image.tar'], { cwd: ctx });
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.out).toBe(first.out);
    expect((await listing(path.join(ctx, 'image.tar'))).has('image.tar')).toBe(false);
  });

  it('-o - writes the same archive to stdout', async () => {
    const ctx = await makeContext();
    const file = await out('f.tar');
    await peel(['build', ctx, '-t', 'x:1', '-o', file]);
    const piped = await peel(['build', ctx, '-t', 'x:1', '-o', '-']);
    expect(piped.code).toBe(0);
    expect(sha(piped.stdout)).toBe(sha(await readFile(file)));
  });

  it('usage and input errors', async () => {
    const ctx = await makeContext();
    expect((await peel(['build', ctx, '-t', 'x:1'])).code).toBe(1);
    const badCmd = await peel(['build', ctx, '-o', await out('x.tar'), '--cmd', '/bin/sh']);
    expect(badCmd.code).toBe(1);
    expect(badCmd.stderr).toContain('--cmd takes a JSON array');
    expect((await peel(['build', ctx, '-o', await out('x.tar'), '--env', 'NOEQUALS'])).code).toBe(1);
    expect((await peel(['build', ctx, '-o', await out('x.tar'), '--workdir', 'rel'])).code).toBe(1);
    expect((await peel(['build', path.join(ctx, 'app/hello.txt'), '-o', await out('x.tar')])).code).toBe(2);
    expect((await peel(['build', ctx, '-o', await out('x.tar'), '-t', 'Bad Name'])).code).toBe(2);
    const noDir = await peel(['build', ctx, '-o', '/nonexistent-dir/x.tar']);
    expect(noDir.code).toBe(4);
  });
});
