import { describe, expect, it } from 'vitest';
import { DraftView, mergeLayers, type DraftOp, type FsLookup, type LayerEntry, type LayerEntryType, type MergedFs } from '../src/index.js';

let offset = 0;
function e(path: string, type: LayerEntryType = 'file', size = 0, extra: Partial<LayerEntry> = {}): LayerEntry {
  offset += 512;
  return {
    path, type, mode: type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, uname: '', gname: '', size, mtime: 0,
    linkTarget: null, devMajor: 0, devMinor: 0, xattrs: null, dataOffset: offset, headerOffset: offset - 512,
    digest: type === 'file' ? `sha256:${path}` : null, ...extra,
  };
}

/** A small PRNG, so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The merged fs as the server's lookup: with an index-like subtreeSize, counting its uses. */
function indexed(fs: MergedFs): FsLookup & { sums: number; listed: number } {
  const lookup = {
    sums: 0,
    listed: 0,
    get: (p: string) => fs.get(p),
    children(dir: string) {
      lookup.listed++;
      return fs.children(dir);
    },
    subtreeSize(dir: string): number {
      lookup.sums++;
      let total = 0;
      const stack = [dir];
      while (stack.length) {
        for (const c of fs.children(stack.pop()!)) {
          if (c.entry.type === 'dir') stack.push(c.path);
          else total += c.content ? c.content.entry.size : c.entry.size;
        }
      }
      return total;
    },
  };
  return lookup;
}

/** What bytesBelow must equal: a walk of the draft's own listing. */
function walked(view: DraftView, dir: string): number {
  let total = 0;
  const stack = [dir];
  while (stack.length) {
    for (const c of view.children(stack.pop()!)) {
      if (c.type === 'dir') stack.push(c.path);
      else total += c.size;
    }
  }
  return total;
}

function image(): MergedFs {
  const layer: LayerEntry[] = [];
  for (const top of ['a', 'b', 'c']) {
    layer.push(e(top, 'dir'));
    for (const sub of ['x', 'y']) {
      layer.push(e(`${top}/${sub}`, 'dir'));
      for (let i = 0; i < 4; i++) layer.push(e(`${top}/${sub}/f${i}`, 'file', 100 * (i + 1) + top.charCodeAt(0)));
    }
    layer.push(e(`${top}/link`, 'symlink', 0, { linkTarget: 'x/f0' }));
  }
  layer.push(e('b/x/hard', 'hardlink', 0, { linkTarget: 'a/x/f1' }));
  return mergeLayers([layer, [e('c/y/f2', 'whiteout'), e('c/z', 'dir'), e('c/z/g', 'file', 7)]]);
}

describe('DraftView.bytesBelow', () => {
  it('sums an untouched folder with one index query, reading none of its entries', () => {
    const base = indexed(image());
    const view = new DraftView(base, { ops: [], config: {}, tag: null });
    expect(view.bytesBelow('a')).toBe(walked(new DraftView(image(), { ops: [], config: {}, tag: null }), 'a'));
    expect([base.sums, base.listed]).toEqual([1, 0]);
  });

  it('equals a walk of the draft’s own listing, whatever the draft did', () => {
    const dirs = ['', 'a', 'b', 'c', 'a/x', 'a/y', 'b/x', 'b/y', 'c/x', 'c/y', 'c/z', 'n', 'a/x/n'];
    const files = ['a/x/f0', 'a/x/f1', 'b/y/f3', 'c/z/g', 'n/new', 'a/x/n/deep', 'a/new', 'b/x/hard'];
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = random(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
      const ops: DraftOp[] = [];
      for (let i = 0; i < 1 + Math.floor(rnd() * 6); i++) {
        const kind = pick(['delete', 'write', 'mkdir', 'rename', 'chmod', 'symlink'] as const);
        if (kind === 'delete') ops.push({ op: 'delete', path: `/${pick([...dirs.slice(1), ...files])}` });
        else if (kind === 'write') ops.push({ op: 'write', path: `/${pick(files)}`, blob: 'sha256:00', size: Math.floor(rnd() * 1000) });
        else if (kind === 'mkdir') ops.push({ op: 'mkdir', path: `/${pick(dirs.slice(1))}` });
        else if (kind === 'rename') ops.push({ op: 'rename', from: `/${pick(dirs.slice(1))}`, to: `/${pick(['m', 'a/m', 'c/z/m'])}` });
        else if (kind === 'chmod') ops.push({ op: 'chmod', path: `/${pick(dirs.slice(1))}`, mode: 0o700 });
        else ops.push({ op: 'symlink', path: `/${pick(dirs.slice(1))}`, target: 'a' });
      }
      // Ops that cannot apply (a rename onto an existing path…) are dropped, as the server refuses them.
      const valid: DraftOp[] = [];
      for (const op of ops) {
        try {
          new DraftView(image(), { ops: [...valid, op], config: {}, tag: null });
          valid.push(op);
        } catch {
          // not applicable after the earlier ones
        }
      }
      const fast = new DraftView(indexed(image()), { ops: valid, config: {}, tag: null });
      const slow = new DraftView(image(), { ops: valid, config: {}, tag: null });
      for (const d of [...dirs, 'm', 'a/m', 'c/z/m']) {
        if (slow.get(d)?.type !== 'dir' && d !== '') continue;
        expect(fast.bytesBelow(d), `seed ${seed}, ${JSON.stringify(valid)}, ${d}`).toBe(walked(slow, d));
      }
    }
  });
});
