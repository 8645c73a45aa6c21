import { describe, expect, it } from 'vitest';
import { DraftView, mergeLayers, type DraftOp, type FsLookup, type LayerEntry, type LayerEntryType, type MergedFs } from '../src/index.js';
import { random } from './helpers.js';
import { DraftModel, offer, type ModelEntry } from './draft-model.js';

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
    expect(view.bytesBelow('a')).toBe(modelOf(image()).bytesBelow('a'));
    expect([base.sums, base.listed]).toEqual([1, 0]);
  });

  it('equals the model’s sum of file sizes below every folder, whatever the draft did', () => {
    const dirs = ['a', 'b', 'c', 'a/x', 'a/y', 'b/x', 'b/y', 'c/x', 'c/y', 'c/z', 'n', 'a/x/n'];
    const files = ['a/x/f0', 'a/x/f1', 'b/y/f3', 'c/z/g', 'n/new', 'a/x/n/deep', 'a/new', 'b/x/hard'];
    const seen = { folderDeletes: 0, bigFolderDeletes: 0, folderMoves: 0, writesOverImageFiles: 0, newFolders: 0, refused: 0, summedMovedFolders: 0 };
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = random(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
      const model = modelOf(image());
      const ops: DraftOp[] = [];
      for (let i = 0; i < 1 + Math.floor(rnd() * 6); i++) {
        // Mostly paths the draft shows now, sometimes fixed ones (which may be gone: refused).
        const now = [...model.entries];
        const nowDirs = now.filter(([, e]) => e.type === 'dir').map(([p]) => p);
        const any = () => (rnd() < 0.7 ? pick(now)[0] : pick([...dirs, ...files]));
        const folder = () => (rnd() < 0.7 && nowDirs.length ? pick(nowDirs) : pick(dirs));
        const kind = pick(['delete', 'write', 'mkdir', 'rename', 'chmod', 'symlink'] as const);
        let op: DraftOp;
        if (kind === 'delete') op = { op: 'delete', path: `/${rnd() < 0.5 ? folder() : any()}` };
        else if (kind === 'write') op = { op: 'write', path: `/${rnd() < 0.5 ? any() : pick(files)}`, blob: 'sha256:00', size: Math.floor(rnd() * 1000) };
        else if (kind === 'mkdir') op = { op: 'mkdir', path: `/${folder()}${rnd() < 0.5 ? '/n' : ''}` };
        else if (kind === 'rename') op = { op: 'rename', from: `/${folder()}`, to: `/${pick(['m', 'a/m', 'c/z/m'])}` };
        else if (kind === 'chmod') op = { op: 'chmod', path: `/${any()}`, mode: 0o700 };
        else op = { op: 'symlink', path: `/${any()}`, target: 'a' };
        const here = model.entries.get(op.op === 'rename' ? op.from.slice(1) : op.path.slice(1));
        const filesBelow = here?.type === 'dir' ? model.below(op.op === 'rename' ? op.from.slice(1) : op.path.slice(1)).filter((p) => model.entries.get(p)!.type === 'file').length : 0;
        if (!offer(model, () => new DraftView(image(), { ops: [...ops, op], config: {}, tag: null }), op, `seed ${seed}`)) {
          seen.refused++;
          continue;
        }
        ops.push(op);
        if (op.op === 'delete' && filesBelow >= 4) seen.folderDeletes++;
        if (op.op === 'delete' && filesBelow >= 8) seen.bigFolderDeletes++;
        if (op.op === 'rename' && here?.type === 'dir') seen.folderMoves++;
        if (op.op === 'write' && here?.origin.startsWith('image:')) seen.writesOverImageFiles++;
        if (op.op === 'mkdir' && !here) seen.newFolders++;
      }
      const view = new DraftView(indexed(image()), { ops, config: {}, tag: null });
      for (const [d, e] of [['', null] as const, ...model.entries]) {
        if (e !== null && e.type !== 'dir') continue;
        if (['m', 'a/m', 'c/z/m'].includes(d) && model.bytesBelow(d) > 0) seen.summedMovedFolders++;
        expect(view.bytesBelow(d), `seed ${seed}, ${JSON.stringify(ops)}, ${d}`).toBe(model.bytesBelow(d));
      }
    }
    // The drafts exercised what bytesBelow has to get right, and the model's refusals happened.
    expect(seen.folderDeletes, JSON.stringify(seen)).toBeGreaterThan(30);
    expect(seen.bigFolderDeletes, JSON.stringify(seen)).toBeGreaterThan(8);
    expect(seen.folderMoves, JSON.stringify(seen)).toBeGreaterThan(40);
    expect(seen.summedMovedFolders, JSON.stringify(seen)).toBeGreaterThan(40);
    expect(seen.writesOverImageFiles, JSON.stringify(seen)).toBeGreaterThan(40);
    expect(seen.newFolders, JSON.stringify(seen)).toBeGreaterThan(40);
    expect(seen.refused, JSON.stringify(seen)).toBeGreaterThan(50);
  });
});

/** The model of the image (DraftModel): every entry of the merged filesystem, hard links as files. */
function modelOf(fs: MergedFs): DraftModel {
  const m = new Map<string, ModelEntry>();
  const stack = [''];
  while (stack.length) {
    for (const c of fs.children(stack.pop()!)) {
      const type = c.entry.type === 'hardlink' ? 'file' : c.entry.type;
      m.set(c.path, { type, size: c.content ? c.content.entry.size : c.entry.size, mode: c.entry.mode, origin: c.content ? `image:${c.content.entry.path}` : type === 'symlink' ? `link:${c.entry.linkTarget}` : type });
      if (c.entry.type === 'dir') stack.push(c.path);
    }
  }
  return new DraftModel(m, (p) => fs.hasShadowed(p));
}

/** The draft applied to the model, op by op (each must apply). */
function eager(fs: MergedFs, ops: DraftOp[]): Map<string, ModelEntry> {
  const model = modelOf(fs);
  for (const op of ops) model.apply(op);
  return model.entries;
}

/** DraftView's filesystem in the eager model's terms. */
function shown(view: DraftView): Map<string, ModelEntry> {
  const m = new Map<string, ModelEntry>();
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
    const fileBytes = (m: Map<string, ModelEntry>) => [...m.values()].reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0);
    const before = fileBytes(eager(image(), []));
    let renamedFolders = 0;
    let movedUnchanged = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const rnd = random(seed * 7919);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
      const model = modelOf(image());
      const valid: DraftOp[] = [];
      for (let i = 0; i < 2 + Math.floor(rnd() * 8); i++) {
        // Mostly paths the draft shows now (inside moved folders too), sometimes fixed ones.
        const now = [...model.entries];
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
        if (offer(model, () => new DraftView(image(), { ops: [...valid, op], config: {}, tag: null }), op, `seed ${seed}`)) valid.push(op);
      }
      const label = `seed ${seed}: ${JSON.stringify(valid)}`;
      const base = indexed(image());
      const view = new DraftView(base, { ops: valid, config: {}, tag: null });
      const want = model.entries;
      const got = shown(view);
      expect([...got].sort(), label).toEqual([...want].sort());
      const delta = view.changes().reduce((s, c) => s + c.sizeDelta, 0);
      expect(before + delta, label).toBe(fileBytes(want));
      for (const [p, e] of want) {
        if (e.type !== 'dir') continue;
        expect(view.bytesBelow(p), `${label} ${p}`).toBe(model.bytesBelow(p));
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
    const fileBytes = (m: Map<string, ModelEntry>) => [...m.values()].reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0);
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
