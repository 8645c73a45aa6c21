import { setImmediate as nextTurn } from 'node:timers/promises';
import { MergedFs, comparePaths, compareNodeOf, parentOf, type CompareNode, type DraftNode, type DraftView, type EntryType as EngineEntryType, type LayerEntry, type NodeSource } from '@peel/engine';
import type { ImageLayer, LayerDigest, NodeFacts, Store, StoredImage } from '../store/index.js';
import type { DraftContext } from './draft-context.js';

/**
 * One side's merged filesystem as a comparison reads it: an entry, a folder's entries, and a
 * walk in the comparison's path order (pre-order, siblings by comparePaths).
 */
export interface SideTree {
  /** The entry at `path` (never the root ''). */
  node(path: string): Promise<CompareNode | undefined>;
  /** The entries directly in `dir` ('' is the root), in path order. */
  children(dir: string): Promise<CompareNode[]>;
  /** Every entry, pre-order. */
  walk(): NodeSource;
  /** Entries and file bytes of the whole side. */
  totals(): Promise<{ entries: number; bytes: number }>;
  /** Nodes held in memory (what a cached comparison weighs). */
  readonly weight: number;
}

const byName = (x: CompareNode, y: CompareNode) => comparePaths(x.path, y.path);

/** Everything below folder `dir` ('' is the root) in pre-order, a folder's entries read as the walk reaches it. */
export async function* walkBelow(tree: SideTree, dir: string): AsyncGenerator<CompareNode> {
  const stack: Array<{ kids: CompareNode[]; next: number }> = [{ kids: await tree.children(dir), next: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next === top.kids.length) {
      stack.pop();
      continue;
    }
    const node = top.kids[top.next++];
    yield node;
    if (node.type === 'dir') stack.push({ kids: await tree.children(node.path), next: 0 });
  }
}

/**
 * A whole stored image: its merged filesystem is in the index already (one row per path, with
 * the bytes below each folder), so nothing is merged or held: every read is a query.
 */
export class StoredTree implements SideTree {
  readonly weight = 0;

  constructor(private readonly store: Store, private readonly image: StoredImage, private readonly layers: readonly ImageLayer[]) {}

  async node(path: string): Promise<CompareNode | undefined> {
    const row = await this.store.fs.node(this.image.id, path);
    return row && this.nodeOf(row);
  }

  async children(dir: string): Promise<CompareNode[]> {
    return (await this.nodes(await this.store.fs.childFacts(this.image.id, dir))).sort(byName);
  }

  /** As CompareNodes; the store orders names by bytes, the comparison by UTF-16 code units (sorted by the caller). */
  private nodes(rows: NodeFacts[]): CompareNode[] | Promise<CompareNode[]> {
    // Hard links alone need a second read (their target's entry): the rest convert at once.
    if (!rows.some((r) => r.type === 'hardlink')) return rows.map((r) => this.plainNode(r));
    return Promise.all(rows.map((r) => this.nodeOf(r)));
  }

  walk(): AsyncGenerator<CompareNode> {
    return walkBelow(this, '');
  }

  async totals(): Promise<{ entries: number; bytes: number }> {
    // The ingest counted the merged nodes and stored the bytes below every folder: the root's
    // entries with their bytes below are the whole image, read without a scan.
    const root = await this.store.fs.childFacts(this.image.id, '');
    let bytes = 0;
    for (const r of root) bytes += r.bytesBelow ?? 0;
    for (const n of await this.nodes(root)) bytes += n.size;
    return { entries: this.image.fileCount, bytes };
  }

  /** As the engine's compareNodeOf: a hard link is the file it shares (that entry's bytes and attributes). */
  private async nodeOf(row: NodeFacts): Promise<CompareNode> {
    if (row.type === 'hardlink') {
      const layer = row.contentLayer === null ? undefined : this.layers[row.contentLayer];
      const target = layer && row.contentSeq !== null ? (await this.store.fs.entryBySeq(layer.layerDigest, row.contentSeq))?.entry : undefined;
      const e = target ?? row;
      const bytes = target?.type === 'file';
      return {
        path: row.path, type: 'file', mode: e.mode, uid: e.uid, gid: e.gid, mtime: Math.floor(e.mtime),
        size: bytes ? target.size : 0, digest: bytes ? target.digest : null, linkTarget: null, device: null,
        xattrs: xattrsOf(e.xattrs), layer: row.layer,
      };
    }
    return this.plainNode(row);
  }

  // mtimes are floored to whole seconds here too: see the engine's compareNodeOf.
  private plainNode(row: NodeFacts): CompareNode {
    const t = row.type as EngineEntryType;
    return {
      path: row.path, type: t, mode: row.mode, uid: row.uid, gid: row.gid, mtime: Math.floor(row.mtime),
      size: t === 'file' ? row.size : 0,
      digest: t === 'file' ? row.digest : null,
      linkTarget: t === 'symlink' ? row.linkTarget : null,
      device: t === 'char' || t === 'block' ? `${row.devMajor},${row.devMinor}` : null,
      xattrs: xattrsOf(row.xattrs), layer: row.layer,
    };
  }
}

const xattrsOf = (x: Record<string, string> | null): Record<string, string> | null => (x && Object.keys(x).length ? x : null);

/**
 * An image as of a layer below its top: the index holds only the final merge, so layers 0..N are
 * merged here from their stored entries (what was deleted or overwritten is dropped at once: a
 * comparison never shows it), then kept only as each folder's sorted CompareNodes — a merged
 * filesystem holds every layer entry whole, several times what a comparison reads of it.
 */
export class MergedTree implements SideTree {
  private constructor(
    private readonly kids: Map<string, CompareNode[]>,
    private readonly summed: { entries: number; bytes: number },
  ) {}

  /** Reads the layers' own entries a layer at a time, letting other requests in between. */
  static async read(store: Store, layers: readonly LayerDigest[]): Promise<MergedTree> {
    const fs = new MergedFs({ keepChanges: false, onShadowed: () => {} });
    for (const digest of layers) {
      const entries: LayerEntry[] = [];
      for await (const e of store.fs.layerEntries(digest)) entries.push(e);
      fs.applyLayer(entries);
      await nextTurn();
    }
    const kids = new Map<string, CompareNode[]>();
    let bytes = 0;
    for (const n of fs.nodes()) {
      const node = compareNodeOf(n);
      bytes += node.size;
      const dir = parentOf(node.path);
      let list = kids.get(dir);
      if (!list) kids.set(dir, (list = []));
      list.push(node);
    }
    for (const list of kids.values()) list.sort(byName);
    return new MergedTree(kids, { entries: fs.size, bytes });
  }

  get weight(): number {
    return this.summed.entries;
  }

  async node(path: string): Promise<CompareNode | undefined> {
    const list = this.kids.get(parentOf(path));
    if (!list) return undefined;
    // Bisection in the folder's sorted entries.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = comparePaths(list[mid].path, path);
      if (c === 0) return list[mid];
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  }

  async children(dir: string): Promise<CompareNode[]> {
    return this.kids.get(dir) ?? [];
  }

  /** Synchronous: the comparison reads it without a promise per node. */
  *walk(): Generator<CompareNode> {
    const stack: Array<{ kids: CompareNode[]; next: number }> = [{ kids: this.kids.get('') ?? [], next: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next === top.kids.length) {
        stack.pop();
        continue;
      }
      const node = top.kids[top.next++];
      yield node;
      if (node.type === 'dir') stack.push({ kids: this.kids.get(node.path) ?? [], next: 0 });
    }
  }

  async totals(): Promise<{ entries: number; bytes: number }> {
    return this.summed;
  }
}

/**
 * An image as its draft leaves it: the engine's DraftView over the image's index (what the draft
 * did not touch is read from the index, as the draft explorer reads it). What the draft wrote or
 * changed is in `draftLayer`, the layer an export would add.
 */
export class DraftTree implements SideTree {
  readonly weight = 0;

  constructor(private readonly ctx: DraftContext, private readonly view: DraftView, private readonly draftLayer: number) {}

  async node(path: string): Promise<CompareNode | undefined> {
    const n = await this.ctx.lookup.settle(() => this.view.get(path));
    return n && this.nodeOf(n);
  }

  async children(dir: string): Promise<CompareNode[]> {
    const kids = await this.ctx.lookup.settle(() => this.view.children(dir));
    return kids.map((n) => this.nodeOf(n)).sort(byName);
  }

  walk(): AsyncGenerator<CompareNode> {
    return walkBelow(this, '');
  }

  /**
   * The paths the draft's edits touch: all that is below one too, except for a folder whose
   * attributes alone changed.
   */
  touched(): Array<{ path: string; subtree: boolean }> {
    return this.view.changes().map((c) => ({ path: c.path, subtree: !(c.type === 'dir' && c.kind === 'modified' && !c.tree) }));
  }

  /** A walk: a draft's totals are its image's moved by each op, which only a walk adds up exactly. */
  async totals(): Promise<{ entries: number; bytes: number }> {
    let entries = 0;
    let bytes = 0;
    for await (const n of this.walk()) {
      entries++;
      bytes += n.size;
    }
    return { entries, bytes };
  }

  /** mtimes floored as everywhere else; a hard link is already the file it shares (see the engine's fromBase). */
  private nodeOf(n: DraftNode): CompareNode {
    const file = n.type === 'file';
    const src = n.source;
    const digest = !file ? null : src.kind === 'blob' ? src.blob : src.kind === 'image' && src.entry.type === 'file' ? src.entry.digest : null;
    return {
      path: n.path, type: n.type, mode: n.mode, uid: n.uid, gid: n.gid, mtime: Math.floor(n.mtime),
      size: file ? n.size : 0, digest,
      linkTarget: n.type === 'symlink' ? n.linkTarget : null,
      device: n.type === 'char' || n.type === 'block' ? `${n.devMajor},${n.devMinor}` : null,
      xattrs: xattrsOf(n.xattrs),
      layer: n.edited || n.layer === null ? this.draftLayer : n.layer,
    };
  }
}
