import { spawnSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveLinks, type LinkStep } from '../src/index.js';

const BUSYBOX = '/bin/busybox';

/** A small random tree of folders, files and symlinks (absolute, relative, `..`, dangling, loops). */
function randomTree(seed: number): Array<{ path: string; kind: 'dir' | 'file' | 'link'; target?: string }> {
  let s = seed;
  const rnd = (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
  const names = ['a', 'b', 'c', 'lib', 'etc'];
  const dirs = [''];
  const items: Array<{ path: string; kind: 'dir' | 'file' | 'link'; target?: string }> = [];
  const taken = new Set<string>();
  for (let i = 0; i < 24; i++) {
    const parent = dirs[rnd(dirs.length)];
    const path = parent ? `${parent}/${names[rnd(names.length)]}` : names[rnd(names.length)];
    if (taken.has(path) || path.split('/').length > 4) continue;
    taken.add(path);
    const kind = (['dir', 'dir', 'file', 'link', 'link'] as const)[rnd(5)];
    if (kind === 'dir') dirs.push(path);
    if (kind !== 'link') {
      items.push({ path, kind });
      continue;
    }
    // Mostly targets that exist (absolute, or relative through `..`), some that do not.
    const known = items.filter((it) => it.kind !== 'link').map((it) => it.path);
    const existing = known.length ? known[rnd(known.length)] : 'a';
    const depth = path.split('/').length - 1;
    const junk = Array.from({ length: 1 + rnd(3) }, () => ['..', '.', ...names, 'missing'][rnd(names.length + 3)]).join('/');
    const target = [`/${existing}`, `${'../'.repeat(depth)}${existing}`, `/${existing}/../${names[rnd(names.length)]}`, junk, `/${junk}`][rnd(5)];
    items.push({ path, kind, target });
  }
  // A loop of two links, reached from a random folder too.
  items.push({ path: 'l1', kind: 'link', target: 'l2/x' }, { path: 'l2', kind: 'link', target: '/l1' });
  if (dirs.length > 1) items.push({ path: `${dirs[1 + rnd(dirs.length - 1)]}/to-loop`, kind: 'link', target: '/l2' });
  return items;
}

/**
 * The engine's resolver against the kernel's: each random tree is made for real and `realpath`
 * runs chrooted at its root (busybox, the only program there), so absolute links, `..` at the
 * root and loops resolve exactly as they would for a process inside the container.
 */
describe('resolveLinks follows symlinks as the kernel does inside a chroot', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it('agrees with chrooted realpath on 30 random trees', () => {
    if (process.getuid?.() !== 0) throw new Error('this test needs root (chroot); CI runs as root');
    let compared = 0;
    let followedLinks = 0;
    let loops = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const root = mkdtempSync(join(tmpdir(), 'peel-resolve-'));
      roots.push(root);
      copyFileSync(BUSYBOX, join(root, 'busybox'));
      const tree = randomTree(seed);
      for (const item of tree) {
        const full = join(root, item.path);
        if (item.kind === 'dir') mkdirSync(full, { recursive: true });
        else if (item.kind === 'file') writeFileSync(full, 'x');
        else symlinkSync(item.target!, full);
      }
      const lookup = (p: string): LinkStep | null => {
        try {
          const st = lstatSync(join(root, p));
          if (st.isSymbolicLink()) return { type: 'symlink', linkTarget: readlinkSync(join(root, p)) };
          return { type: st.isDirectory() ? 'dir' : 'file', linkTarget: null };
        } catch {
          return null;
        }
      };
      const probes = [...tree.map((t) => t.path), ...tree.map((t) => `${t.path}/a`), ...tree.map((t) => `${t.path}/../etc`)];
      for (const probe of probes) {
        const kernel = spawnSync('chroot', [root, '/busybox', 'realpath', `/${probe}`], { encoding: 'utf8' });
        const ours = resolveLinks(probe, lookup);
        const expected = kernel.status === 0 && lookup(kernel.stdout.trim().slice(1)) !== null ? kernel.stdout.trim().slice(1) : null;
        expect(ours.found ? ours.path : null, `seed ${seed}: /${probe} (kernel: ${kernel.stdout.trim() || kernel.stderr.trim()})`).toBe(expected);
        compared++;
        if (ours.found && ours.path !== probe) followedLinks++;
        if (!ours.found && ours.reason === 'loop') loops++;
      }
    }
    // The random trees must have exercised what matters: followed links and loops.
    expect(compared).toBeGreaterThan(500);
    console.log(`[resolve] ${compared} paths, ${followedLinks} through links, ${loops} loops`);
    expect(followedLinks).toBeGreaterThan(50);
    expect(loops).toBeGreaterThan(5);
  });

  it('stops at a final symlink when asked, and goes on through missing folders for edits', () => {
    const tree = new Map<string, LinkStep>([
      ['etc', { type: 'dir', linkTarget: null }],
      ['etc/app.conf', { type: 'symlink', linkTarget: '/opt/conf/app.conf' }],
      ['opt', { type: 'dir', linkTarget: null }],
      ['loop', { type: 'symlink', linkTarget: 'loop' }],
      ['file', { type: 'file', linkTarget: null }],
    ]);
    const lookup = (p: string) => tree.get(p);
    expect(resolveLinks('etc/app.conf', lookup, { followLast: false })).toEqual({ found: true, path: 'etc/app.conf' });
    expect(resolveLinks('etc/app.conf', lookup)).toEqual({ found: false, reason: 'missing', path: 'opt/conf' + '/app.conf' });
    expect(resolveLinks('etc/app.conf', lookup, { throughMissing: true })).toEqual({ found: false, reason: 'missing', path: 'opt/conf/app.conf' });
    expect(resolveLinks('loop/x', lookup, { throughMissing: true })).toMatchObject({ found: false, reason: 'loop' });
    expect(resolveLinks('file/x', lookup)).toEqual({ found: false, reason: 'not-a-folder', path: 'file' });
    expect(resolveLinks('../../etc/./', lookup)).toEqual({ found: true, path: 'etc' });
    expect(resolveLinks('', lookup)).toEqual({ found: true, path: '' });
  });
});
