/**
 * The comparison of two merged filesystems read as two streams in one path order (order.ts): a
 * merge join, one node of each side in hand at a time, so memory follows the depth of the tree
 * and the number of changes, never the number of entries. Both streams may come from anywhere — a
 * MergedFs walked in pre-order, the engine's streaming merge (post-order), an index read page by
 * page — as long as they share the order.
 */
import { isBelow } from '../fs/path-order.js';
import { PATH_ORDERS, type PathOrder } from './order.js';
import { CONTENT_FIELDS, type ChangedField, type CompareNode, type FolderChanges, type FsDiffSummary, type MetadataField, type PathChange } from './types.js';

const isContentField = (f: ChangedField): f is 'content' | 'linkTarget' | 'device' => CONTENT_FIELDS.includes(f);

export type NodeSource = Iterable<CompareNode> | AsyncIterable<CompareNode>;

export interface TreeDiffOptions {
  /** Yield mtime-only changes and count them in the folders' totals (default: leave them out). */
  includeMtime?: boolean;
  /** The order both sources are in (default `pre`); changes come out in the same order. */
  order?: PathOrder;
}

/**
 * A changed path, in the sources' order; or a folder's totals, once everything below it has been
 * seen (in either order, after its last descendant). The root's totals come last, with path ''.
 */
export type TreeDiffItem = { kind: 'change'; change: PathChange } | { kind: 'folder'; folder: FolderChanges };

/** Yields the changes and folder totals; returns the summary (mtime-only changes counted either way). */
export async function* diffTrees(a: NodeSource, b: NodeSource, options: TreeDiffOptions = {}): AsyncGenerator<TreeDiffItem, FsDiffSummary> {
  const compare = PATH_ORDERS[options.order ?? 'pre'];
  const summary = emptySummary();
  const sideA = new Cursor(a, 'A', compare);
  const sideB = new Cursor(b, 'B', compare);
  await sideA.advance();
  await sideB.advance();
  // A synchronous source gives no promise to wait for: awaiting nothing would still cost a tick per node.
  let pending: void | Promise<void>;
  // The folders above the current path, root first; made when a path below them is first seen.
  const open: FolderChanges[] = [folder('')];
  /** Closes the folders that `path` is not below (in post-order, `path`'s own folder too). */
  const closeFor = function* (path: string | null): Generator<TreeDiffItem> {
    while (open.length > 1 && (path === null || !isBelow(open[open.length - 1].path, path))) {
      const done = open.pop()!;
      const parent = open[open.length - 1];
      parent.changesBelow += done.changesBelow;
      parent.bytesBelowA += done.bytesBelowA;
      parent.bytesBelowB += done.bytesBelowB;
      if (done.changesBelow) yield { kind: 'folder', folder: done };
    }
  };
  while (sideA.node || sideB.node) {
    const order = !sideA.node ? 1 : !sideB.node ? -1 : compare(sideA.node.path, sideB.node.path);
    const na = order <= 0 ? sideA.node : null;
    const nb = order >= 0 ? sideB.node : null;
    const path = (na ?? nb)!.path;
    // (Checked first: most paths stay in the innermost open folder, and a generator per path costs.)
    if (open.length > 1 && !isBelow(open[open.length - 1].path, path)) yield* closeFor(path);
    openParents(open, path);
    if (na) countSide(summary, 'a', na);
    if (nb) countSide(summary, 'b', nb);
    const change = classify(na, nb);
    if (change) {
      countChange(summary, change);
      if (!change.mtimeOnly || options.includeMtime) {
        const parent = open[open.length - 1];
        parent.changesBelow++;
        parent.bytesBelowA += na?.size ?? 0;
        parent.bytesBelowB += nb?.size ?? 0;
        yield { kind: 'change', change };
      }
    }
    if (na && (pending = sideA.advance())) await pending;
    if (nb && (pending = sideB.advance())) await pending;
  }
  yield* closeFor(null);
  if (open[0].changesBelow) yield { kind: 'folder', folder: open[0] };
  summary.net = summary.bytes.b - summary.bytes.a;
  return summary;
}

/**
 * One side's stream with its current node, checked to be strictly in order (a mismatched source
 * would give a wrong answer silently). A synchronous source is read without awaiting per node.
 */
class Cursor {
  node: CompareNode | null = null;
  private readonly it: Iterator<CompareNode> | AsyncIterator<CompareNode>;
  private previous: string | null = null;

  constructor(source: NodeSource, private readonly side: string, private readonly compare: (a: string, b: string) => number) {
    this.it = Symbol.iterator in source ? source[Symbol.iterator]() : source[Symbol.asyncIterator]();
  }

  advance(): void | Promise<void> {
    const r = this.it.next();
    if (r instanceof Promise) return r.then((x) => this.take(x));
    this.take(r);
  }

  private take(r: IteratorResult<CompareNode>): void {
    if (r.done) {
      this.node = null;
      return;
    }
    const path = r.value.path;
    if (this.previous !== null && this.compare(this.previous, path) >= 0) {
      throw new Error(`side ${this.side}'s nodes are not in the path order: ${JSON.stringify(path)} comes after ${JSON.stringify(this.previous)}`);
    }
    this.previous = path;
    this.node = r.value;
  }
}

const folder = (path: string): FolderChanges => ({ path, changesBelow: 0, bytesBelowA: 0, bytesBelowB: 0 });

/** Opens a frame for every folder above `path` below the innermost open one. */
function openParents(open: FolderChanges[], path: string): void {
  const top = open[open.length - 1].path;
  for (let at = path.indexOf('/', top === '' ? 0 : top.length + 1); at >= 0; at = path.indexOf('/', at + 1)) {
    open.push(folder(path.slice(0, at)));
  }
}

/** What differs between two versions of one path (either may be absent); null when nothing does. */
export function classify(a: CompareNode | null, b: CompareNode | null): PathChange | null {
  if (!a && !b) return null;
  if (!a || !b) return { path: (a ?? b)!.path, change: a ? 'removed' : 'added', fields: [], mtimeOnly: false, a, b };
  if (a.type !== b.type) return { path: a.path, change: 'type', fields: [], mtimeOnly: false, a, b };
  const fields: ChangedField[] = [];
  // Bytes by digest, never by size: a same-size edit is a modification. Without digests (a hard
  // link whose target was missing) there are no bytes to compare beyond the size.
  if (a.type === 'file' && (a.digest !== b.digest || a.size !== b.size)) fields.push('content');
  if (a.linkTarget !== b.linkTarget) fields.push('linkTarget');
  if (a.device !== b.device) fields.push('device');
  if (a.mode !== b.mode) fields.push('mode');
  if (a.uid !== b.uid) fields.push('uid');
  if (a.gid !== b.gid) fields.push('gid');
  if (a.mtime !== b.mtime) fields.push('mtime');
  if (!sameXattrs(a.xattrs, b.xattrs)) fields.push('xattrs');
  if (!fields.length) return null;
  const modified = fields.some(isContentField);
  return { path: a.path, change: modified ? 'modified' : 'metadata', fields, mtimeOnly: !modified && fields.length === 1 && fields[0] === 'mtime', a, b };
}

function sameXattrs(a: Record<string, string> | null, b: Record<string, string> | null): boolean {
  const ka = a ? Object.keys(a) : [];
  const kb = b ? Object.keys(b) : [];
  return ka.length === kb.length && ka.every((k) => b !== null && Object.hasOwn(b, k) && b[k] === a![k]);
}

function emptySummary(): FsDiffSummary {
  return {
    entries: { a: 0, b: 0 },
    bytes: { a: 0, b: 0 },
    added: { count: 0, bytes: 0 },
    removed: { count: 0, bytes: 0 },
    modified: { count: 0, bytesA: 0, bytesB: 0, content: 0, linkTarget: 0, device: 0 },
    type: { count: 0, bytesA: 0, bytesB: 0 },
    metadata: { count: 0, mode: 0, uid: 0, gid: 0, mtime: 0, xattrs: 0 },
    mtimeOnly: { count: 0 },
    bytesAdded: 0,
    bytesRemoved: 0,
    net: 0,
  };
}

function countSide(s: FsDiffSummary, side: 'a' | 'b', n: CompareNode): void {
  s.entries[side]++;
  s.bytes[side] += n.size;
}

function countChange(s: FsDiffSummary, c: PathChange): void {
  const sizeA = c.a?.size ?? 0;
  const sizeB = c.b?.size ?? 0;
  switch (c.change) {
    case 'added':
      s.added.count++;
      s.added.bytes += sizeB;
      break;
    case 'removed':
      s.removed.count++;
      s.removed.bytes += sizeA;
      break;
    case 'type':
      s.type.count++;
      s.type.bytesA += sizeA;
      s.type.bytesB += sizeB;
      break;
    case 'modified':
      s.modified.count++;
      s.modified.bytesA += sizeA;
      s.modified.bytesB += sizeB;
      for (const f of c.fields) if (isContentField(f)) s.modified[f]++;
      break;
    case 'metadata':
      if (c.mtimeOnly) {
        s.mtimeOnly.count++;
        return;
      }
      s.metadata.count++;
      for (const f of c.fields) if (!isContentField(f)) s.metadata[f as MetadataField]++;
      return;
  }
  s.bytesAdded += sizeB;
  s.bytesRemoved += sizeA;
}
