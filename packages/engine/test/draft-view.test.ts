import { describe, expect, it } from 'vitest';
import { DraftView, mergeLayers, type DraftOp, type FsLookup, type LayerEntry, type LayerEntryType, type MergedFs } from '../src/index.js';
import { random } from './helpers.js';

let offset = 0;
function e(path: string, type: LayerEntryType = 'file', size = 0, extra: Partial<LayerEntry> = {}): LayerEntry {
  offset += 512;
  return {
    path, type, mode: type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, uname: '', gname: '', size, mtime: 0,
    linkTarget: null, devMajor: 0, devMinor: 0, xattrs: null, dataOffset: offset, headerOffset: offset - 512,
    digest: type === 'file' ? `sha256:${path}` : null, ...extra,
  };
}

/** The merged fs as the server's lookup: with an index-like subtreeSize, counting its uses. */
function indexed(fs: MergedFs): FsLookup & { sums: number; listed: number } {
  const lookup = {
    sums: 0,
    listed: 0,
    get: (p: string) => fs.get(p),
    hasShadowed: (p: string) => fs.hasShadowed(p),
    childCount: (p: string) => fs.children(p).length,
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

/** One entry of the eager model: what a path shows, and where its bytes come from. */
interface Eager {
  type: string;
  size: number;
  mode: number;
  origin: string;
}

/**
 * The draft applied the plain way: every entry of the image copied into one map, each op
 * applied to it eagerly (a rename moves every path below). DraftView must show the same.
 */
function eager(fs: MergedFs, ops: DraftOp[]): Map<string, Eager> {
  const m = new Map<string, Eager>();
  const stack = [''];
  while (stack.length) {
    for (const c of fs.children(stack.pop()!)) {
      const type = c.entry.type === 'hardlink' ? 'file' : c.entry.type;
      m.set(c.path, { type, size: c.content ? c.content.entry.size : c.entry.size, mode: c.entry.mode, origin: c.content ? `image:${c.content.entry.path}` : type === 'symlink' ? `link:${c.entry.linkTarget}` : type });
      if (c.entry.type === 'dir') stack.push(c.path);
    }
  }
  const strip = (p: string) => p.replace(/^\//, '');
  const below = (p: string) => [...m.keys()].filter((k) => k.startsWith(`${p}/`));
  const parents = (p: string) => {
    for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) if (!m.has(p.slice(0, i))) m.set(p.slice(0, i), { type: 'dir', size: 0, mode: 0o755, origin: 'dir' });
  };
  for (const op of ops) {
    if (op.op === 'write') {
      const p = strip(op.path);
      parents(p);
      m.set(p, { type: 'file', size: op.size, mode: op.mode ?? m.get(p)?.mode ?? 0o644, origin: `blob:${op.size}` });
    } else if (op.op === 'mkdir') {
      const p = strip(op.path);
      parents(p);
      m.set(p, { type: 'dir', size: 0, mode: op.mode ?? m.get(p)?.mode ?? 0o755, origin: 'dir' });
    } else if (op.op === 'symlink') {
      const p = strip(op.path);
      parents(p);
      m.set(p, { type: 'symlink', size: 0, mode: 0o777, origin: `link:${op.target}` });
    } else if (op.op === 'chmod') {
      const p = strip(op.path);
      m.set(p, { ...m.get(p)!, mode: op.mode });
    } else if (op.op === 'delete') {
      const p = strip(op.path);
      for (const k of below(p)) m.delete(k);
      m.delete(p);
    } else if (op.op === 'rename') {
      const [from, to] = [strip(op.from), strip(op.to)];
      parents(to);
      const moved = [from, ...below(from)].map((k) => [k, m.get(k)!] as const);
      for (const [k] of moved) m.delete(k);
      for (const [k, v] of moved) m.set(`${to}${k.slice(from.length)}`, v);
    }
  }
  return m;
}

/** DraftView's filesystem in the eager model's terms. */
function shown(view: DraftView): Map<string, Eager> {
  const m = new Map<string, Eager>();
  const stack = [''];
  while (stack.length) {
    for (const c of view.children(stack.pop()!)) {
      const origin = c.source.kind === 'image' ? `image:${c.source.entry.path}` : c.source.kind === 'blob' ? `blob:${c.size}` : c.type === 'symlink' ? `link:${c.linkTarget}` : c.type;
      m.set(c.path, { type: c.type, size: c.size, mode: c.mode, origin });
      expect(view.get(c.path)).toEqual(c);
      if (c.type === 'dir') stack.push(c.path);
    }
  }
  return m;
}

describe('DraftView against an eager copy of the image', () => {
  it('shows what applying every op to a full copy shows, with sizes that add up, for 1,000 drafts', () => {
    const dirs = ['a', 'b', 'c', 'a/x', 'a/y', 'b/x', 'c/z', 'm', 'a/m', 'm/x', 'c/z/m', 'a/m/x'];
    const files = ['a/x/f0', 'a/x/f1', 'b/y/f3', 'c/z/g', 'm/f0', 'm/x/f1', 'a/m/x/f2', 'a/new'];
    const fileBytes = (m: Map<string, Eager>) => [...m.values()].reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0);
    const before = fileBytes(eager(image(), []));
    let renamedFolders = 0;
    let movedUnchanged = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const rnd = random(seed * 7919);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
      const valid: DraftOp[] = [];
      for (let i = 0; i < 2 + Math.floor(rnd() * 8); i++) {
        // Mostly paths the draft shows now (inside moved folders too), sometimes fixed ones.
        const now = [...eager(image(), valid)];
        const nowDirs = now.filter(([, e]) => e.type === 'dir').map(([p]) => p);
        const any = () => (rnd() < 0.7 && now.length ? pick(now)[0] : pick([...dirs, ...files]));
        const folder = () => (rnd() < 0.7 && nowDirs.length ? pick(nowDirs) : pick(dirs));
        const fresh = () => `${folder()}/${pick(['n', 'x', 'f0', 'q'])}`;
        const kind = pick(['delete', 'write', 'mkdir', 'rename', 'rename', 'rename', 'chmod', 'symlink'] as const);
        let op: DraftOp;
        if (kind === 'delete') op = { op: 'delete', path: any() };
        else if (kind === 'write') op = { op: 'write', path: rnd() < 0.5 ? any() : fresh(), blob: 'sha256:00', size: 1 + Math.floor(rnd() * 1000) };
        else if (kind === 'mkdir') op = { op: 'mkdir', path: rnd() < 0.5 ? folder() : fresh() };
        else if (kind === 'rename') op = { op: 'rename', from: rnd() < 0.6 ? folder() : any(), to: rnd() < 0.7 ? fresh() : pick([...dirs, ...files]) };
        else if (kind === 'chmod') op = { op: 'chmod', path: any(), mode: 0o700 };
        else op = { op: 'symlink', path: fresh(), target: 'a' };
        try {
          new DraftView(image(), { ops: [...valid, op], config: {}, tag: null });
          valid.push(op);
        } catch {
          // not applicable after the earlier ones, as the server would refuse it
        }
      }
      const label = `seed ${seed}: ${JSON.stringify(valid)}`;
      const base = indexed(image());
      const view = new DraftView(base, { ops: valid, config: {}, tag: null });
      const want = eager(image(), valid);
      const got = shown(view);
      expect([...got].sort(), label).toEqual([...want].sort());
      const delta = view.changes().reduce((s, c) => s + c.sizeDelta, 0);
      expect(before + delta, label).toBe(fileBytes(want));
      for (const [p, e] of want) {
        if (e.type !== 'dir') continue;
        expect(view.bytesBelow(p), `${label} ${p}`).toBe(walked(view, p));
        expect(view.childCount(p), `${label} ${p}`).toBe(view.children(p).length);
        // A folder said to show an image folder unchanged lists exactly that folder's entries.
        const from = view.movedFrom(p);
        if (from !== null) {
          movedUnchanged++;
          expect(view.children(p).map((n) => `${n.name} ${n.type} ${n.size} ${n.mode}`).sort(), `${label} ${p}`).toEqual(new DraftView(image(), { ops: [], config: {}, tag: null }).children(from).map((n) => `${n.name} ${n.type} ${n.size} ${n.mode}`).sort());
        }
      }
      // Count drafts that moved a folder and then changed something inside where it went.
      const moves = valid.flatMap((o, i) => (o.op === 'rename' && eager(image(), valid.slice(0, i)).get(o.from)?.type === 'dir' ? [[i, o.to] as const] : []));
      if (moves.some(([i, to]) => valid.slice(i + 1).some((o) => (o.op === 'rename' ? o.from : o.path).startsWith(`${to}/`) || (o.op === 'rename' && o.from === to)))) renamedFolders++;
    }
    // The drafts exercised what they are about.
    expect(renamedFolders).toBeGreaterThan(50);
    expect(movedUnchanged).toBeGreaterThan(100);
  });

  it('gets the orderings right that random drafts rarely hit', () => {
    const scripts: DraftOp[][] = [
      // moved, deleted, made again: the old move must not show through
      [{ op: 'rename', from: 'b', to: 'm' }, { op: 'delete', path: 'm' }, { op: 'mkdir', path: 'm' }],
      // a folder deleted and made again, then moved with its parent: it stays empty
      [{ op: 'delete', path: 'a/x' }, { op: 'mkdir', path: 'a/x' }, { op: 'rename', from: 'a', to: 'm' }],
      // what was recorded below a deleted folder must not hide what moves there later
      [{ op: 'delete', path: 'a/x' }, { op: 'delete', path: 'a' }, { op: 'rename', from: 'b', to: 'a' }],
      // nor a purge-only delete below a path that did not exist (a lower layer's c/y/f2)
      [{ op: 'delete', path: 'c/y' }, { op: 'delete', path: 'c/y/f2' }, { op: 'rename', from: 'a/y', to: 'c/y' }],
      // a move into a folder that is deleted later, then the same path made again: empty
      [{ op: 'rename', from: 'b', to: 'a/m' }, { op: 'delete', path: 'a' }, { op: 'mkdir', path: 'a/m' }],
      // moved away, edited, moved back: the image's folder again, plus the edit
      [{ op: 'rename', from: 'a', to: 'm' }, { op: 'write', path: 'm/x/new', blob: 'sha256:00', size: 9 }, { op: 'rename', from: 'm', to: 'a' }],
      [{ op: 'rename', from: 'a/x', to: 'q' }, { op: 'delete', path: 'q/f0' }, { op: 'rename', from: 'q', to: 'a/x' }],
      // moved back into a folder deleted and made again: still moved there
      [{ op: 'rename', from: 'a/x', to: 'q' }, { op: 'delete', path: 'a' }, { op: 'mkdir', path: 'a' }, { op: 'rename', from: 'q', to: 'a/x' }],
      // moved twice, edited in between and after
      [{ op: 'rename', from: 'a', to: 'm' }, { op: 'write', path: 'm/x/f0', blob: 'sha256:00', size: 5 }, { op: 'rename', from: 'm/x', to: 'b/q' }, { op: 'delete', path: 'b/q/f1' }, { op: 'rename', from: 'b', to: 'a' }],
    ];
    const fileBytes = (m: Map<string, Eager>) => [...m.values()].reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0);
    for (const ops of scripts) {
      const view = new DraftView(indexed(image()), { ops, config: {}, tag: null });
      const want = eager(image(), ops);
      expect([...shown(view)].sort(), JSON.stringify(ops)).toEqual([...want].sort());
      for (const [p, e] of want) if (e.type === 'dir') expect(view.childCount(p), `${JSON.stringify(ops)} ${p}`).toBe(view.children(p).length);
      expect(fileBytes(eager(image(), [])) + view.changes().reduce((s, c) => s + c.sizeDelta, 0), JSON.stringify(ops)).toBe(fileBytes(want));
    }
  });

  it('a folder moved back is the image’s folder again: unedited, only the edits made meanwhile are changes', () => {
    const view = new DraftView(indexed(image()), { ops: [{ op: 'rename', from: 'a', to: 'm' }, { op: 'write', path: 'm/x/new', blob: 'sha256:00', size: 9 }, { op: 'rename', from: 'm', to: 'a' }], config: {}, tag: null });
    expect(view.get('a/x/f1')).toMatchObject({ path: 'a/x/f1', edited: false });
    expect(view.changes().map((c) => [c.path, c.kind, c.sizeDelta, c.tree ?? false])).toEqual([['a', 'modified', 0, false], ['a/x/new', 'added', 9, false]]);
    expect(view.childCount('a/x')).toBe(5); // f0–f3 and the new file
  });

  it('a folder move is one change, and costs no walk of what the folder holds', () => {
    const base = indexed(image());
    const view = new DraftView(base, { ops: [{ op: 'rename', from: 'a', to: 'm' }], config: {}, tag: null });
    expect(base.listed).toBe(0);
    const changes = view.changes();
    expect(changes.map((c) => [c.path, c.kind, c.tree ?? false])).toEqual([['a', 'deleted', false], ['m', 'added', true]]);
    expect(changes[0].sizeDelta + changes[1].sizeDelta).toBe(0);
    expect(view.get('m/x/f1')).toMatchObject({ path: 'm/x/f1', name: 'f1', edited: true, source: { kind: 'image' } });
    expect(view.get('a/x/f1')).toBeUndefined();
  });
});
