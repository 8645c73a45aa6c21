import { EngineError } from '../errors.js';
import { baseName, joinPath, normalizePath, parentOf } from '../layer/normalize.js';
import { nodeSize, type FsNode } from '../fs/merge.js';
import type { Draft, DraftChange, DraftNode, DraftOp } from './types.js';

/** What a draft is applied on: the merged filesystem (in memory, or the server's indexed copy). */
export interface FsLookup {
  get(path: string): FsNode | undefined;
  children(dir: string): FsNode[];
  /** Paths only shadowed (deleted/overwritten) entries still hold, for purge deletes. */
  hasShadowed?(path: string): boolean;
  /** Bytes of files under a folder, if the lookup can sum them faster than a walk (an index). */
  subtreeSize?(path: string): number;
  /** How many entries a folder holds, if the lookup knows without listing them (an index). */
  childCount?(path: string): number;
}

/**
 * The filesystem a draft produces, as an overlay on the image's merged filesystem: ops are
 * replayed into overrides (path → node, or null for deleted), hidden prefixes (folders deleted
 * as a whole) and mounts (folders moved by a rename: the destination shows the base folder it
 * came from). Nothing of the base is copied, so a rename of a folder of 100,000 files costs what
 * a rename of one file costs.
 *
 * What lies behind a path is decided by its nearest ancestor that is a mount or hidden: a mount
 * maps it into the base, a hidden folder hides it. A mount and a hidden folder on the same path
 * mean "deleted, then something moved there": the mount wins. Deleting or moving a folder
 * clears what was recorded below it, so anything deeper is newer than what is above it.
 */
export class DraftView {
  private readonly overrides = new Map<string, DraftNode | null>();
  private readonly overridesByParent = new Map<string, Set<string>>();
  private readonly hidden = new Set<string>();
  /** Moved folders: destination → the base folder whose content it shows (null: none). */
  private readonly mounts = new Map<string, string | null>();
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
    const [from, moved] = this.behind(p, false);
    const node = from === null ? undefined : this.base.get(from);
    return node ? placed(node, p, moved) : undefined;
  }

  children(dir: string): DraftNode[] {
    const d = clean(dir);
    const out = new Map<string, DraftNode>();
    const [from, moved] = this.behind(d, true);
    if (from !== null) {
      for (const n of this.base.children(from)) {
        const path = from === d ? n.path : joinPath(d, n.name);
        if (!this.overrides.has(path)) out.set(n.name, placed(n, path, moved));
      }
    }
    for (const p of this.overridesByParent.get(d) ?? []) {
      const n = this.overrides.get(p);
      if (n) out.set(n.name, n);
      else out.delete(baseName(p));
    }
    return [...out.values()];
  }

  /** The image folder whose listing children(dir) reads (null: none, the folder is the draft's own). */
  listedFrom(dir: string): string | null {
    return this.behind(clean(dir), true)[0];
  }

  /**
   * The image folder that folder `dir` shows as it is, from elsewhere: a folder moved (or inside
   * one) in which the draft changed nothing since. Null for any other folder.
   */
  movedFrom(dir: string): string | null {
    const d = clean(dir);
    if (this.overriddenBelow.has(d)) return null;
    const [from, moved] = this.behind(d, true);
    return moved && from !== null && this.base.get(from)?.entry.type === 'dir' ? from : null;
  }

  /**
   * How many entries folder `dir` holds as the draft shows it: the base folder's count from the
   * index, corrected by the draft's own entries in it (no listing, whatever the draft did deeper).
   */
  childCount(dir: string): number {
    const d = clean(dir);
    if (!this.base.childCount) return this.children(d).length;
    const [from] = this.behind(d, true);
    const listed = from !== null && (from === '' || this.base.get(from)?.entry.type === 'dir');
    let count = listed ? this.base.childCount(from) : 0;
    for (const p of this.overridesByParent.get(d) ?? []) {
      const inBase = listed && this.base.get(joinPath(from, baseName(p))) !== undefined;
      count += (this.overrides.get(p) ? 1 : 0) - (inBase ? 1 : 0);
    }
    return count;
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
      const from = this.base.subtreeSize && !this.overriddenBelow.has(d) ? this.behind(d, true)[0] : null;
      if (from !== null && this.base.get(from)?.entry.type === 'dir') {
        total += this.base.subtreeSize!(from);
        continue;
      }
      for (const c of this.children(d)) {
        if (c.type === 'dir') stack.push(c.path);
        else total += c.size;
      }
    }
    return total;
  }

  /**
   * Every pending change against the image, one per touched path; a moved folder is one change
   * (`tree`) that carries everything under it. The size deltas add up to the difference in file
   * bytes between the image and the draft.
   */
  changes(): DraftChange[] {
    const out: DraftChange[] = [];
    for (const [path, node] of this.overrides) {
      // What was there before this override: the image's entry, or what a move brought there.
      const [from, moved] = this.behind(path, false);
      const before = from === null ? undefined : this.base.get(from);
      if (node === null) {
        if (before) out.push({ path, kind: 'deleted', type: before.entry.type as DraftChange['type'], sizeDelta: -subtreeSize(this.base, before), ...(moved ? { moved: true } : {}) });
        else if (this.purged.has(path)) out.push({ path, kind: 'deleted', type: 'file', sizeDelta: 0, purgeOnly: true });
        continue;
      }
      // A folder deleted and made again lost what it held; a folder moved here brought its own.
      const wiped = this.hidden.has(path) && before ? subtreeSize(this.base, before) - nodeSize(before) : 0;
      const source = this.mounts.get(path);
      const movedNode = source ? this.base.get(source) : undefined;
      const brought = movedNode ? subtreeSize(this.base, movedNode) - nodeSize(movedNode) : 0;
      if (!node.edited && !wiped && !brought) continue;
      const beforeSize = before ? nodeSize(before) : 0;
      out.push({
        path,
        kind: before ? 'modified' : 'added',
        type: node.type,
        sizeDelta: node.size - beforeSize - wiped + brought,
        ...(this.mounts.has(path) ? { tree: true } : {}),
        ...(!moved && before && replaces(before, node, this.hidden.has(path)) ? { replacesTree: true } : {}),
      });
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * The base path whose entry shows at `path` (`self`: whose children show in folder `path`),
   * or null when a deleted folder hides it, and whether a move put it there: the nearest mount
   * or hidden folder above decides.
   */
  private behind(path: string, self: boolean): [from: string | null, moved: boolean] {
    if (this.mounts.size === 0 && this.hidden.size === 0) return [path, false];
    for (let p = self ? path : parentOf(path); ; p = parentOf(p)) {
      const source = this.mounts.get(p);
      if (source !== undefined) return [source === null ? null : `${source}${path.slice(p.length)}`, true];
      if (this.hidden.has(p)) return [null, false];
      if (p === '') return [path, false];
    }
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
        // Only what the image's layers hold at this path can be purged (not what a move put here).
        const inImage = this.base.get(path) !== undefined || (this.base.hasShadowed?.(path) ?? false);
        this.remove(path, prev);
        if (inImage) this.purged.add(path);
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
        if (node!.type === 'dir') this.moveFolder(from, to, node!);
        else this.set({ ...node!, path: to, name: baseName(to) });
        this.remove(from, node);
        return;
      }
    }
  }

  /**
   * Moves a folder without copying what the base holds under it: `to` becomes a mount of the
   * base folder behind `from`, and only what the draft recorded below `from` (its own edits,
   * deleted folders, earlier moves) is carried over, re-rooted.
   */
  private moveFolder(from: string, to: string, node: DraftNode): void {
    const below = (p: string) => p.startsWith(`${from}/`);
    const rebase = (p: string) => `${to}${p.slice(from.length)}`;
    const edits = [...this.overrides].filter(([p]) => below(p));
    const hidden = [...this.hidden].filter(below);
    const mounts = [...this.mounts].filter(([p]) => below(p));
    const [source] = this.behind(from, true);
    this.clearBelow(to);
    if (source === to && this.behind(to, false)[0] === to) {
      // Moved back where the image has it: the image's folder shows again, nothing is mounted.
      this.hidden.delete(to);
    } else {
      this.mounts.set(to, source !== null && this.base.get(source)?.entry.type === 'dir' ? source : null);
    }
    this.set({ ...node, path: to, name: baseName(to) });
    for (const [p, n] of edits) this.setRaw(rebase(p), n && { ...n, path: rebase(p), name: baseName(p), edited: true });
    for (const p of hidden) this.hidden.add(rebase(p));
    for (const [p, s] of mounts) this.mounts.set(rebase(p), s);
  }

  private remove(path: string, prev: DraftNode | undefined): void {
    if (prev?.type === 'dir') {
      this.clearBelow(path);
      this.mounts.delete(path);
      this.hidden.add(path);
    }
    this.setRaw(path, null);
  }

  /** Forgets what the draft recorded below `path` (it is deleted, or something replaces it). */
  private clearBelow(path: string): void {
    const below = (p: string) => p.startsWith(`${path}/`);
    for (const p of [...this.overrides.keys()]) if (below(p)) this.unset(p);
    for (const p of [...this.hidden]) if (below(p)) this.hidden.delete(p);
    for (const p of [...this.mounts.keys()]) if (below(p)) this.mounts.delete(p);
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

/** The image's entry at a path is gone whole: a folder deleted and made again, or a file a folder replaced. */
function replaces(before: FsNode, node: DraftNode, wiped: boolean): boolean {
  return before.entry.type === 'dir' ? wiped : node.type === 'dir';
}

/** A base node shown at `path`: where the image has it, or where a move put it (new there). */
function placed(n: FsNode, path: string, moved: boolean): DraftNode {
  const node = fromBase(n);
  return moved ? { ...node, path, name: baseName(path), edited: true } : node;
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
