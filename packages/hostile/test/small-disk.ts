import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A tiny filesystem to fill up: a tmpfs (needs root, or CAP_SYS_ADMIN), else an ext4 image on a
 * loop device. Throws with both reasons when neither can be mounted here.
 */
export function mountSmallDisk(dir: string, mib: number): { path: string; kind: string; unmount: () => void } {
  const path = join(dir, 'mnt');
  mkdirSync(path, { recursive: true });
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const unmount = () => {
    try {
      run('umount', ['-l', path]);
    } catch {
      // already gone
    }
  };
  try {
    run('mount', ['-t', 'tmpfs', '-o', `size=${mib}m,mode=0700`, 'tmpfs', path]);
    return { path, kind: 'tmpfs', unmount };
  } catch (tmpfsError) {
    const image = join(dir, 'disk.img');
    try {
      run('truncate', ['-s', `${mib}M`, image]);
      run('mkfs.ext4', ['-q', '-F', image]);
      run('mount', ['-o', 'loop', image, path]);
      return { path, kind: 'ext4 on a loop device', unmount: () => { unmount(); rmSync(image, { force: true }); } };
    } catch (loopError) {
      throw new Error(`cannot mount a small filesystem here (the disk-full test needs root): tmpfs: ${(tmpfsError as Error).message}; loop: ${(loopError as Error).message}`);
    }
  }
}
