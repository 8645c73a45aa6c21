import { EngineError } from '../errors.js';
import { baseName, joinPath, normalizePath, parentOf } from '../layer/normalize.js';
import type { FsNode } from '../fs/merge.js';
import type { Draft, DraftChange, DraftNode, DraftOp } from './types.js';

/** What a draft is applied on: the merged filesystem (in memory, or the server's indexed copy). */
export interface FsLookup {
  get(path: string): FsNode | undefined;
  children(dir: string): FsNode[];
  /** Paths only shadowed (deleted/overwritten) entries still hold, for purge deletes. */
  hasShadowed?(path: string): boolean;
  /** Bytes of files under a folder, if the lookup can sum them faster than a walk (an index). */
  subtreeSize?(path: string): number;
}

/**
 * The filesystem a draft produces, as an overlay on the image's merged filesystem: ops are
 * replayed into overrides (path → node, or null for deleted) plus hidden prefixes (folders
 * deleted as a whole). Nothing of the base is copied.
 */
export class DraftView {
  private readonly overrides = new Map<string, DraftNode | null>();
  private readonly overridesByParent = new Map<string, Set<string>>();
  private readonly hidden = new Set<string>();
  /** For each folder, how many overridden paths lie below it: a folder with none is the base's. */
  private readonly overriddenBelow = new Map<string, number>();
  /** Paths whose older copies the rewrite export strips from every layer. */
  readonly purged = new Set<string>();

  constructor(private readonly base: FsLookup, draft: Draft, private readonly now = Math.floor(Date.now() / 1000)) {
    draft.ops.forEach((op, i) => this.apply(op, i));
  }

  get(path: string): DraftNode | undefined {
    const p = clean(path);
    if (this.overrides.has(p)) return this.overrides.get(p) ?? undefined;
    if (this.isHidden(p)) return undefined;
    const node = this.base.get(p);
    return node ? fromBase(node) : undefined;
  }

  children(dir: string): DraftNode[] {
    const d = clean(dir);
    const out = new Map<string, DraftNode>();
    if (!this.isHidden(joinPath(d, '_'))) {
      for (const n of this.base.children(d)) if (!this.overrides.has(n.path)) out.set(n.name, fromBase(n));
    }
    for (const p of this.overridesByParent.get(d) ?? []) {
      const n = this.overrides.get(p);
      if (n) out.set(n.name, n);
      else out.delete(baseName(p));
    }
    return [...out.values()];
  }

  /**
   * Bytes of file content below folder `dir` as the draft shows it. Subtrees the draft leaves
   * alone are summed by the base's index when it has one (one query for a folder of 100,000
   * files, instead of reading every entry); only the folders the draft touches are walked.
   */
  bytesBelow(dir: string): number {
    let total = 0;
    const stack = [clean(dir)];
    while (stack.length) {
      const d = stack.pop()!;
      if (this.base.subtreeSize && !this.overriddenBelow.has(d) && !this.isHidden(joinPath(d, '_')) && this.base.get(d)?.entry.type === 'dir') {
        total += this.base.subtreeSize(d);
        continue;
      }
      for (const c of this.children(d)) {
        if (c.type === 'dir') stack.push(c.path);
        else total += c.size;
      }
    }
    return total;
  }

  /** Every pending change against the image, one per touched path. */
  changes(): DraftChange[] {
    const out: DraftChange[] = [];
    for (const [path, node] of this.overrides) {
      const before = this.base.get(path);
      if (node === null) {
        if (before) out.push({ path, kind: 'deleted', type: before.entry.type as DraftChange['type'], sizeDelta: -subtreeSize(this.base, before) });
        else if (this.purged.has(path)) out.push({ path, kind: 'deleted', type: 'file', sizeDelta: 0, purgeOnly: true });
        continue;
      }
      if (!node.edited) continue;
      const beforeSize = before ? nodeSize(before) : 0;
      out.push({ path, kind: before ? 'modified' : 'added', type: node.type, sizeDelta: node.size - beforeSize });
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** True when a folder deleted by the draft hides this path's base entry. */
  isHidden(path: string): boolean {
    for (let p = parentOf(path); ; p = parentOf(p)) {
      if (this.hidden.has(p)) return true;
      if (p === '') return false;
    }
  }

  private apply(op: DraftOp, i: number): void {
    const fail = (msg: string) => {
      throw new EngineError('NOT_AN_IMAGE', `draft change ${i + 1} (${op.op}): ${msg}`);
    };
    switch (op.op) {
      case 'write': {
        const path = this.target(op.path, fail);
        const prev = this.get(path);
        if (prev?.type === 'dir') fail(`${path} is a folder`);
        this.ensureParents(path, fail);
        this.set({ ...blank(path, 'file', this.now), mode: op.mode ?? prev?.mode ?? 0o644, uid: op.uid ?? prev?.uid ?? 0, gid: op.gid ?? prev?.gid ?? 0, size: op.size, source: { kind: 'blob', blob: op.blob } });
        return;
      }
      case 'mkdir': {
        const path = this.target(op.path, fail);
        const prev = this.get(path);
        if (prev && prev.type !== 'dir') fail(`${path} exists and is not a folder`);
        this.ensureParents(path, fail);
        this.set({ ...(prev ?? blank(path, 'dir', this.now)), mode: op.mode ?? prev?.mode ?? 0o755, uid: op.uid ?? prev?.uid ?? 0, gid: op.gid ?? prev?.gid ?? 0, edited: true });
        return;
      }
      case 'symlink': {
        const path = this.target(op.path, fail);
        if (this.get(path)?.type === 'dir') fail(`${path} is a folder`);
        this.ensureParents(path, fail);
        this.set({ ...blank(path, 'symlink', this.now), mode: 0o777, linkTarget: op.target });
        return;
      }
      case 'delete': {
        const path = this.target(op.path, fail);
        const prev = this.get(path);
        if (!prev && !(this.base.hasShadowed?.(path) ?? false)) fail(`${path} does not exist`);
        this.remove(path, prev);
        this.purged.add(path);
        return;
      }
      case 'chmod':
      case 'chown': {
        const path = this.target(op.path, fail);
        const prev = this.get(path);
        if (!prev) fail(`${path} does not exist`);
        this.set(op.op === 'chmod' ? { ...prev!, mode: op.mode & 0o7777, edited: true } : { ...prev!, uid: op.uid, gid: op.gid, edited: true });
        return;
      }
      case 'rename': {
        const from = this.target(op.from, fail);
        const to = this.target(op.to, fail);
        const node = this.get(from);
        if (!node) fail(`${from} does not exist`);
        if (to === from || to.startsWith(`${from}/`)) fail(`cannot move ${from} into itself`);
        if (this.get(to)) fail(`${to} already exists`);
        this.ensureParents(to, fail);
        this.copyTree(node!, to);
        this.remove(from, node);
        return;
      }
    }
  }

  private copyTree(node: DraftNode, to: string): void {
    const stack: Array<[DraftNode, string]> = [[node, to]];
    while (stack.length) {
      const [n, dest] = stack.pop()!;
      this.set({ ...n, path: dest, name: baseName(dest), edited: true });
      if (n.type === 'dir') for (const c of this.children(n.path)) stack.push([c, joinPath(dest, c.name)]);
    }
  }

  private remove(path: string, prev: DraftNode | undefined): void {
    if (prev?.type === 'dir') {
      this.hidden.add(path);
      for (const p of [...this.overrides.keys()]) if (p.startsWith(`${path}/`)) this.unset(p);
    }
    this.setRaw(path, null);
  }

  private ensureParents(path: string, fail: (m: string) => never): void {
    const parts = path.split('/');
    let dir = '';
    for (let i = 0; i < parts.length - 1; i++) {
      dir = joinPath(dir, parts[i]);
      const n = this.get(dir);
      if (n?.type === 'dir') continue;
      if (n) fail(`${dir} is a ${n.type}, not a folder`);
      this.set({ ...blank(dir, 'dir', this.now), mode: 0o755 });
    }
  }

  private target(path: string, fail: (m: string) => never): string {
    const p = clean(path);
    if (p === '') fail('the root cannot be changed');
    return p;
  }

  private set(node: DraftNode): void {
    this.setRaw(node.path, { ...node, edited: true });
  }

  private setRaw(path: string, node: DraftNode | null): void {
    if (!this.overrides.has(path)) this.countBelow(path, 1);
    this.overrides.set(path, node);
    const parent = parentOf(path);
    let s = this.overridesByParent.get(parent);
    if (!s) this.overridesByParent.set(parent, (s = new Set()));
    s.add(path);
  }

  private unset(path: string): void {
    if (this.overrides.has(path)) this.countBelow(path, -1);
    this.overrides.delete(path);
    this.overridesByParent.get(parentOf(path))?.delete(path);
  }

  private countBelow(path: string, delta: number): void {
    for (let p = parentOf(path); ; p = parentOf(p)) {
      const n = (this.overriddenBelow.get(p) ?? 0) + delta;
      if (n === 0) this.overriddenBelow.delete(p);
      else this.overriddenBelow.set(p, n);
      if (p === '') return;
    }
  }
}

function clean(path: string): string {
  return normalizePath(path).path;
}

function blank(path: string, type: DraftNode['type'], now: number): DraftNode {
  return { path, name: baseName(path), type, mode: 0o644, uid: 0, gid: 0, size: 0, mtime: now, linkTarget: null, devMajor: 0, devMinor: 0, xattrs: null, layer: null, source: { kind: 'none' }, edited: true };
}

/**
 * A base node as a draft node. Hard links become plain files with their content: once a draft
 * can move or delete either side, "a link to path X" no longer says anything true, while the
 * bytes do (exports re-link copies of one content within a layer).
 */
export function fromBase(n: FsNode): DraftNode {
  const e = n.entry;
  const hardlink = e.type === 'hardlink';
  return {
    path: n.path,
    name: n.name,
    type: hardlink ? 'file' : (e.type as DraftNode['type']),
    mode: e.mode,
    uid: e.uid,
    gid: e.gid,
    size: nodeSize(n),
    mtime: e.mtime,
    linkTarget: hardlink ? null : e.linkTarget,
    devMajor: e.devMajor,
    devMinor: e.devMinor,
    xattrs: e.xattrs,
    layer: n.layer,
    source: n.content ? { kind: 'image', layer: n.content.layer, entry: n.content.entry } : { kind: 'none' },
    edited: false,
  };
}

function nodeSize(n: FsNode): number {
  return n.content ? n.content.entry.size : n.entry.size;
}

function subtreeSize(base: FsLookup, node: FsNode): number {
  let total = nodeSize(node);
  if (node.entry.type !== 'dir') return total;
  if (base.subtreeSize) return total + base.subtreeSize(node.path);
  const stack = [node.path];
  while (stack.length) {
    for (const c of base.children(stack.pop()!)) {
      total += nodeSize(c);
      if (c.entry.type === 'dir') stack.push(c.path);
    }
  }
  return total;
}
