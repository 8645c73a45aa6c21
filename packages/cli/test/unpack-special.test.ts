import { execFile } from 'node:child_process';
import { chmod, chown, lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundlePeel } from './helpers/bundle.js';
import { requireRoot } from './helpers/root.js';
import { peel } from './helpers/run.js';
import { dockerArchive } from './helpers/ustar.js';
import { tempDir } from './helpers/tmp.js';

const NOBODY = 65534;

/** One layer with a device, a fifo, owned files and a private folder. */
async function specialArchive(): Promise<{ dir: string; file: string }> {
  const dir = await tempDir('special');
  await chmod(dir, 0o755);
  const file = path.join(dir, 'special.tar');
  await writeFile(file, dockerArchive([[
    { name: 'dev/', type: 'dir' },
    { name: 'dev/null', type: 'char', dev: [1, 3], mode: 0o666 },
    { name: 'run/', type: 'dir' },
    { name: 'run/pipe', type: 'fifo', mode: 0o620 },
    { name: 'home/user/', type: 'dir', uid: 1000 },
    { name: 'home/user/owned.txt', body: 'mine\n', uid: 1000, mode: 0o640 },
    { name: 'data/', type: 'dir', uid: 999, mode: 0o700 },
    { name: 'opt/setuid', body: '#!/bin/sh\n', mode: 0o4755 },
  ]]));
  await chmod(file, 0o644);
  return { dir, file };
}

describe('peel unpack: devices, fifos, owners', () => {
  it('as root: devices and fifos are created, owners and modes kept (as another user: see below)', async () => {
    requireRoot('creating devices and keeping owners');
    const { dir, file } = await specialArchive();
    const out = path.join(dir, 'out');
    const r = await peel(['unpack', file, out, '--merged']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('warning');
    for (const root of ['LAYER_0', 'rootfs']) {
      const dev = await lstat(path.join(out, root, 'dev/null'));
      expect(dev.isCharacterDevice()).toBe(true);
      expect([Math.floor(dev.rdev / 256), dev.rdev % 256]).toEqual([1, 3]);
      expect(dev.mode & 0o7777).toBe(0o666);
      const fifo = await lstat(path.join(out, root, 'run/pipe'));
      expect(fifo.isFIFO()).toBe(true);
      expect(fifo.mode & 0o7777).toBe(0o620);
      const owned = await lstat(path.join(out, root, 'home/user/owned.txt'));
      expect([owned.uid, owned.gid, owned.mode & 0o7777]).toEqual([1000, 1000, 0o640]);
      const data = await lstat(path.join(out, root, 'data'));
      expect([data.uid, data.mode & 0o7777]).toEqual([999, 0o700]);
      expect((await lstat(path.join(out, root, 'opt/setuid'))).mode & 0o7777).toBe(0o4755);
    }
  });

  it('as another user: devices skipped with a warning, fifos made, files belong to the user, modes kept', async () => {
    const { dir, file } = await specialArchive();
    const out = path.join(dir, 'out');
    requireRoot('running peel as nobody');
    // The same command as nobody: what a CI runner without root gets. Everything nobody needs is
    // in this world-readable folder, wherever the checkout is (it may be a folder only we enter).
    const tmp = path.join(dir, 'tmp');
    await mkdir(tmp);
    await chown(tmp, NOBODY, NOBODY);
    await chown(dir, NOBODY, NOBODY);
    const bin = await bundlePeel(dir);
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--inh-caps=-all', process.execPath, bin, 'unpack', file, out, '--merged'],
        { cwd: dir, env: { PATH: process.env.PATH, TMPDIR: tmp, HOME: tmp } }, (e, _stdout, stderr) => resolve({ code: e ? Number(e.code) : 0, stderr }));
    });
    expect(result.stderr).toContain('not running as root: owners are not kept');
    expect(result.stderr).toContain('/dev/null: char device 1,3 skipped (creating devices needs root)');
    expect(result.code).toBe(0);
    for (const root of ['LAYER_0', 'rootfs']) {
      expect(await readdir(path.join(out, root, 'dev'))).toEqual([]);
      expect((await lstat(path.join(out, root, 'run/pipe'))).isFIFO()).toBe(true);
      const owned = await lstat(path.join(out, root, 'home/user/owned.txt'));
      expect([owned.uid, owned.mode & 0o7777]).toEqual([NOBODY, 0o640]);
      const data = await lstat(path.join(out, root, 'data'));
      expect([data.uid, data.mode & 0o7777]).toEqual([NOBODY, 0o700]);
    }
  });
});
