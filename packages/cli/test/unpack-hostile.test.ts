import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { peel } from './helpers/run.js';
import { dockerArchive } from './helpers/ustar.js';
import { tempDir } from './helpers/tmp.js';

/** Every path below `root`, for before/after comparisons. */
async function tree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const name of await readdir(dir)) {
      const p = path.join(dir, name);
      out.push(path.relative(root, p));
      const st = await lstat(p);
      if (st.isDirectory()) await walk(p);
    }
  };
  await walk(root);
  return out.sort();
}

describe('peel unpack of a hostile archive', () => {
  it('writes nothing outside DIR: no `..`, no absolute paths, never through symlinks', async () => {
    // sandbox/ holds the archive, DIR (out/) and a decoy folder the archive aims at.
    const sandbox = await tempDir('hostile');
    const decoy = path.join(sandbox, 'decoy');
    await mkdir(decoy);
    await writeFile(path.join(decoy, 'victim.txt'), 'untouched');
    const archive = dockerArchive([
      [
        { name: '../../escape.txt', body: 'dotdot' },
        { name: '/abs.txt', body: 'absolute' },
        { name: 'a/../../../up.txt', body: 'climb' },
        { name: 'link', type: 'symlink', link: decoy },
        { name: 'link/pwned.txt', body: 'through an absolute symlink' },
        { name: 'rel', type: 'symlink', link: '../../decoy' },
        { name: 'rel/victim.txt', body: 'overwrite through a relative symlink' },
        { name: 'hard', type: 'hardlink', link: '../../decoy/victim.txt' },
        { name: 'dir/', type: 'dir' },
        { name: 'dir/x', type: 'symlink', link: '/' },
      ],
      [
        { name: 'link', type: 'symlink', link: '../decoy' },
        { name: 'link/second.txt', body: 'upper layer through a symlink of this layer' },
        { name: 'dir/x/etc/passwd', body: 'through a lower layer symlink' },
      ],
    ], [
      { name: '../outer-escape.txt', body: 'outer dotdot' },
      { name: '/outer-abs.txt', body: 'outer absolute' },
    ]);
    const file = path.join(sandbox, 'hostile.tar');
    await writeFile(file, archive);
    const before = await tree(sandbox);

    const out = path.join(sandbox, 'out');
    const r = await peel(['unpack', file, out, '--merged']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);

    // Outside DIR nothing changed: same names, the decoy's content intact, nothing in /.
    const after = (await tree(sandbox)).filter((p) => p !== 'out' && !p.startsWith(`out${path.sep}`));
    expect(after).toEqual(before);
    expect(await readFile(path.join(decoy, 'victim.txt'), 'utf8')).toBe('untouched');
    await expect(lstat('/abs.txt')).rejects.toThrow();
    await expect(lstat('/outer-abs.txt')).rejects.toThrow();

    // Inside DIR: names clamped at the root, symlinked parents replaced by real folders.
    const layer0 = path.join(out, 'LAYER_0');
    expect(await readFile(path.join(layer0, 'escape.txt'), 'utf8')).toBe('dotdot');
    expect(await readFile(path.join(layer0, 'abs.txt'), 'utf8')).toBe('absolute');
    expect(await readFile(path.join(layer0, 'up.txt'), 'utf8')).toBe('climb');
    expect((await lstat(path.join(layer0, 'link'))).isDirectory()).toBe(true);
    expect(await readFile(path.join(layer0, 'link/pwned.txt'), 'utf8')).toBe('through an absolute symlink');
    expect((await lstat(path.join(layer0, 'dir/x'))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(layer0, 'dir/x'))).toBe('/');
    const layer1 = path.join(out, 'LAYER_1');
    expect(await readFile(path.join(layer1, 'dir/x/etc/passwd'), 'utf8')).toBe('through a lower layer symlink');
    expect(await readFile(path.join(out, 'rootfs/dir/x/etc/passwd'), 'utf8')).toBe('through a lower layer symlink');
    expect((await lstat(path.join(out, 'rootfs/link'))).isDirectory()).toBe(true);
    expect(await readFile(path.join(out, 'metadata/outer-escape.txt'), 'utf8')).toBe('outer dotdot');
    expect(await readFile(path.join(out, 'metadata/outer-abs.txt'), 'utf8')).toBe('outer absolute');
    expect(r.stderr).toMatch(/becomes a folder/);
  });
});
