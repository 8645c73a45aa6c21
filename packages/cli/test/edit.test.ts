import { execFile } from 'node:child_process';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixture, peel } from './helpers/run.js';
import { tempDir } from './helpers/tmp.js';

const multi = fixture('multi-docker-legacy.tar');
const work = () => tempDir('edit');

/** The fixture's fake secret (fixtures/README.md, layer 6's .env). */
const SECRET = 'sk_test_FIXTURE_0123456789abcdef';

/** Whether the bytes appear in any file of the archive (GNU tar unpacks it; gzip blobs are searched inflated too). */
async function archiveHolds(tar: string, needle: string): Promise<boolean> {
  const dir = await work();
  await promisify(execFile)('tar', ['-xf', tar, '-C', dir]);
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const bytes = await readFile(path.join(e.parentPath, e.name));
    if (bytes.includes(needle) || (bytes[0] === 0x1f && bytes[1] === 0x8b && gunzipSync(bytes).includes(needle))) return true;
  }
  return false;
}

interface Inspect { tags: string[]; config: { Cmd?: string[]; Entrypoint?: string[]; Env?: string[] }; layers: Array<{ digest: string; diffId: string }> }
const inspect = async (tar: string) => JSON.parse((await peel(['inspect', tar, '--json'])).out) as Inspect;

describe('peel edit', () => {
  it.each(['append', 'flatten', 'rewrite'] as const)('--mode %s: put, rm, config and tag end up in the image', async (mode) => {
    const dir = await work();
    const release = path.join(dir, 'os-release');
    await writeFile(release, await readFile(fixture('tiny-alpyne-expected.txt')));
    const tar = path.join(dir, 'out.tar');
    const r = await peel(['edit', multi, '--put', `/etc/os-release=${release}`, '--rm', '/opt/app/.env', '--rm', '/opt/app/conf/keep.conf',
      '--cmd', '["cat","/etc/os-release"]', '--entrypoint', '[]', '--env', 'REDIS_VERSION=8', '--mode', mode, '-t', `peel-test/edit:${mode}`, '-o', tar]);
    expect(r.stderr).toContain(`, ${mode}): docker.io/peel-test/edit:${mode}`);
    expect(r.code).toBe(0);
    expect((await peel(['cat', tar, '/etc/os-release'])).stdout).toEqual(await readFile(fixture('tiny-alpyne-expected.txt')));
    expect((await peel(['cat', tar, '/opt/app/conf/keep.conf'])).code).toBe(2);
    expect((await peel(['cat', tar, '/etc/app.conf'])).code).toBe(2); // the symlink now dangles
    const j = await inspect(tar);
    const before = await inspect(multi);
    expect(j.tags).toEqual([`peel-test/edit:${mode}`]);
    expect(j.config.Cmd).toEqual(['cat', '/etc/os-release']);
    expect(j.config.Entrypoint).toBeUndefined();
    expect(j.config.Env).toEqual(before.config.Env!.map((e) => (e.startsWith('REDIS_VERSION=') ? 'REDIS_VERSION=8' : e)));
    // The leaked secret: still in layer 5 after append, gone from every layer after rewrite/flatten.
    const secret = await peel(['ls', tar, '/opt/app', '--deleted']);
    if (mode === 'append') {
      expect(j.layers.slice(0, 13).map((l) => l.digest)).toEqual(before.layers.map((l) => l.digest));
      expect(j.layers).toHaveLength(14);
      expect(secret.out).toContain('.env  (deleted by layer 6)');
    } else if (mode === 'rewrite') {
      expect(j.layers).toHaveLength(14);
      // layers holding a removed or replaced path are rewritten, the others kept byte for byte
      expect(j.layers[0].digest).not.toBe(before.layers[0].digest); // held /etc/os-release
      expect(j.layers[12].digest).toBe(before.layers[12].digest);
      expect(secret.out).not.toContain('.env');
      expect((await peel(['cat', tar, '/opt/app/.env', '--layer', '5'])).code).toBe(2);
    } else {
      expect(j.layers).toHaveLength(1);
      expect(secret.out).not.toContain('.env');
    }
  });

  it('a replaced file keeps its mode; a new file takes the local file\'s mode', async () => {
    const dir = await work();
    const local = path.join(dir, 'tool.sh');
    await writeFile(local, '#!/bin/sh\necho replaced\n');
    await chmod(local, 0o700);
    const tar = path.join(dir, 'out.tar');
    const r = await peel(['edit', multi, '--put', `/usr/local/bin/suid-helper=${local}`, '--put', `/usr/local/bin/new-tool=${local}`, '-o', tar, '--source-date-epoch', '1700000000']);
    expect(r.code).toBe(0);
    const rows = JSON.parse((await peel(['ls', tar, '/usr/local/bin', '--json'])).out) as Array<{ name: string; mode: number; mtime: number; layer: number }>;
    expect(rows.find((x) => x.name === 'suid-helper')).toMatchObject({ mode: 0o4755, mtime: 1_700_000_000, layer: 13 });
    expect(rows.find((x) => x.name === 'new-tool')).toMatchObject({ mode: 0o700, layer: 13 });
    expect((await inspect(tar)).tags).toEqual(['fixtures/multi:latest']);
  });

  it('--rm then --put: a folder replaced by one file', async () => {
    const dir = await work();
    const local = path.join(dir, 'x');
    await writeFile(local, 'x\n');
    const tar = path.join(dir, 'out.tar');
    expect((await peel(['edit', multi, '--put', `/opt/app/x=${local}`, '--rm', '/opt/app', '-o', tar])).code).toBe(0);
    expect((await peel(['ls', tar, '/opt/app'])).out).toBe('x\n');
  });

  it('reads the image from stdin and writes to stdout', async () => {
    const r = await peel(['edit', '-', '--cmd', '["/bin/true"]', '-o', '-'], { stdin: fixture('tiny-containerd-export.tar') });
    expect(r.code).toBe(0);
    const dir = await work();
    await writeFile(path.join(dir, 'o.tar'), r.stdout);
    expect((await inspect(path.join(dir, 'o.tar'))).config.Cmd).toEqual(['/bin/true']);
  });

  it('--rm of a path only lower layers store: rewrite by default, and a warning when append is asked for', async () => {
    const dir = await work();
    expect(await archiveHolds(multi, SECRET)).toBe(true);
    const clean = path.join(dir, 'clean.tar');
    const byDefault = await peel(['edit', multi, '--rm', '/opt/app/.env', '-o', clean]);
    expect(byDefault.code).toBe(0);
    expect(byDefault.stderr).toContain('peel: warning: /opt/app/.env is only in lower layers: exporting with --mode rewrite');
    expect(byDefault.stderr).toContain(', rewrite): ');
    expect(await archiveHolds(clean, SECRET)).toBe(false);

    const kept = path.join(dir, 'kept.tar');
    const append = await peel(['edit', multi, '--rm', '/opt/app/.env', '--mode', 'append', '-o', kept]);
    expect(append.code).toBe(0);
    expect(append.stderr).toContain('peel: warning: --mode append keeps the bytes of /opt/app/.env in the lower layers');
    expect(await archiveHolds(kept, SECRET)).toBe(true);

    // A path the final filesystem holds: append stays the default, with nothing to warn about.
    const plain = await peel(['edit', multi, '--rm', '/etc/os-release', '-o', path.join(dir, 'plain.tar')]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain(', append): ');
    expect(plain.stderr).not.toContain('warning');
  });

  it('errors: removing what does not exist (2), a bad mode (1), a missing local file (2), no -o (1)', async () => {
    const dir = await work();
    const o = path.join(dir, 'o.tar');
    const missing = await peel(['edit', multi, '--rm', '/no/such/file', '-o', o]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    expect((await peel(['edit', multi, '--mode', 'squash', '-o', o])).code).toBe(1);
    expect((await peel(['edit', multi, '--put', `/etc/x=${path.join(dir, 'nope')}`, '-o', o])).code).toBe(2);
    expect((await peel(['edit', multi, '--put', '/etc/x', '-o', o])).code).toBe(1);
    expect((await peel(['edit', multi])).code).toBe(1);
  });
});
