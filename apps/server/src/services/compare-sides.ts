import { setImmediate as nextTurn } from 'node:timers/promises';
import { MergedFs, baseName, comparePaths, compareNodeOf, impliedDir, joinPath, parentOf, type CompareNode, type DraftNode, type DraftView, type EntryType as EngineEntryType, type LayerEntry, type NodeSource } from '@peel/engine';
import type { ImageLayer, ListingOwner, ListingRow, NodeFacts, SourceParams, Store, StoredImage } from '../store/index.js';
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
    return row.type === 'hardlink' ? linkNodeOf(this.store, this.layers, row) : this.plainNode(row);
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

/** A hard link of an image's merged view as the file it shares: the entry the index says holds its bytes. */
async function linkNodeOf(store: Store, layers: readonly ImageLayer[], row: NodeFacts): Promise<CompareNode> {
  const layer = row.contentLayer === null ? undefined : layers[row.contentLayer];
  const target = layer && row.contentSeq !== null ? (await store.fs.entryBySeq(layer.layerDigest, row.contentSeq))?.entry : undefined;
  const e = target ?? row;
  const bytes = target?.type === 'file';
  return {
    path: row.path, type: 'file', mode: e.mode, uid: e.uid, gid: e.gid, mtime: Math.floor(e.mtime),
    size: bytes ? target.size : 0, digest: bytes ? target.digest : null, linkTarget: null, device: null,
    xattrs: xattrsOf(e.xattrs), layer: row.layer,
  };
}

const xattrsOf = (x: Record<string, string> | null): Record<string, string> | null => (x && Object.keys(x).length ? x : null);

/**
 * An image as of a layer below its top, read from the index folder by folder as a whole image
 * is: per name the version alive after layer `asOf` (the as-of listing sources: the merged view's
 * rows, and the versions a later layer deleted or overwrote), completed from the layers' own
 * entries where those rows keep less than a comparison reads. Nothing is merged and nothing held
 * but the folders a walk has open.
 */
export class AsOfTree implements SideTree {
  private readonly owner: ListingOwner;
  private readonly params: SourceParams;
  /** Layers 0..L merged by the engine, for the rare hard link a later layer replaced (see linkNode); let go by `release`. */
  private linkMerge: { layer: number; fs: MergedFs } | null = null;
  /** Those hard links as resolved, by path (a few nodes: kept). */
  private readonly links = new Map<string, CompareNode>();

  constructor(private readonly store: Store, private readonly image: StoredImage, private readonly layers: readonly ImageLayer[], private readonly asOf: number) {
    this.owner = { image: image.id };
    this.params = { asOf };
  }

  async node(path: string): Promise<CompareNode | undefined> {
    const dir = parentOf(path);
    const name = baseName(path);
    const rows = await this.store.listing.named('asOfNodes', this.owner, dir, name, 'name', this.params);
    const alive = rows.length ? rows : await this.store.listing.named('asOfShadowed', this.owner, dir, name, 'name', this.params);
    if (!alive.length) return undefined;
    return (await this.nodes(dir, [{ row: alive[0], live: rows.length > 0 }]))[0];
  }

  async children(dir: string): Promise<CompareNode[]> {
    const rows: AsOfRow[] = [];
    for (const [source, live] of [['asOfNodes', true], ['asOfShadowed', false]] as const) {
      for (const group of [0, 1] as const) {
        for (const row of await this.store.listing.page(source, 'name', group, this.owner, dir, null, Number.MAX_SAFE_INTEGER, this.params)) rows.push({ row, live });
      }
    }
    return (await this.nodes(dir, rows)).sort(byName);
  }

  walk(): AsyncGenerator<CompareNode> {
    return walkBelow(this, '');
  }

  /** A walk: the index keeps no totals as of a layer. */
  async totals(): Promise<{ entries: number; bytes: number }> {
    let entries = 0;
    let bytes = 0;
    for await (const n of this.walk()) {
      entries++;
      bytes += n.size;
    }
    return { entries, bytes };
  }

  /**
   * The rows of folder `dir` as CompareNodes. A row of the merged view whose version is the one
   * shown has every attribute; a version gone since keeps no device numbers or xattrs, and a folder
   * a later layer declared again is stored with that layer's attributes: those are read from the
   * layer the version is shown with, one read of the folder per layer.
   */
  private async nodes(dir: string, rows: readonly AsOfRow[]): Promise<CompareNode[]> {
    const own = new Map<number, Map<string, LayerEntry>>();
    for (const { row, live } of rows) {
      const layer = row.entry.layer;
      if ((live && row.recorded === layer) || own.has(layer)) continue;
      own.set(layer, await this.layerFolder(layer, dir));
    }
    return Promise.all(rows.map(async ({ row, live }) => {
      const e = row.entry;
      const path = joinPath(dir, e.name);
      if (e.type === 'hardlink') return live ? this.storedLinkNode(path) : this.linkNode(path, e.layer);
      const complete = live && row.recorded === e.layer;
      const entry = complete ? undefined : own.get(e.layer)!.get(e.name);
      // A folder's attributes are those of the layer it is shown with (its entry there, or a
      // folder that layer implied); a version gone since has its own but its xattrs and device.
      const attrs = complete ? e : e.type === 'dir' ? (entry?.type === 'dir' ? entry : impliedDir(path)) : e;
      const extra = complete ? e : e.type === 'dir' ? attrs : entry;
      const t = e.type as EngineEntryType;
      return {
        path, type: t, mode: attrs.mode, uid: attrs.uid, gid: attrs.gid, mtime: Math.floor(attrs.mtime),
        size: t === 'file' ? e.size : 0,
        digest: t === 'file' ? (e.digest ?? null) : null,
        linkTarget: t === 'symlink' ? e.linkTarget : null,
        device: t === 'char' || t === 'block' ? `${extra?.devMajor ?? 0},${extra?.devMinor ?? 0}` : null,
        xattrs: xattrsOf(extra?.xattrs ?? null),
        layer: e.layer,
      } satisfies CompareNode;
    }));
  }

  /** A layer's entries in folder `dir` by name: the last a name has (a declared folder before an implied one). */
  private async layerFolder(layer: number, dir: string): Promise<Map<string, LayerEntry>> {
    const byName = new Map<string, LayerEntry>();
    const implied = new Map<string, LayerEntry>();
    for (const r of await this.store.fs.layerChildren(this.layers[layer].layerDigest, dir)) {
      const e = r.entry;
      if (e.type === 'whiteout' || e.type === 'opaque') continue;
      (r.implicit ? implied : byName).set(baseName(e.path), e);
    }
    for (const [name, e] of implied) if (!byName.has(name)) byName.set(name, e);
    return byName;
  }

  /** A hard link of the merged view: the file it shares is where the index says its bytes are. */
  private async storedLinkNode(path: string): Promise<CompareNode> {
    const row = await this.store.fs.node(this.image.id, path);
    if (!row) throw new Error(`the index has no ${path} in image ${this.image.id}`);
    return linkNodeOf(this.store, this.layers, row);
  }

  /**
   * A hard link a later layer deleted or overwrote shares the file its target was when its layer
   * was applied, which the index does not keep: layers 0..L are merged by the engine for it
   * (once per side and layer; such links are rare).
   */
  private async linkNode(path: string, layer: number): Promise<CompareNode> {
    const known = this.links.get(path);
    if (known) return known;
    if (this.linkMerge?.layer !== layer) {
      const fs = new MergedFs({ keepChanges: false, onShadowed: () => {} });
      for (const l of this.layers.slice(0, layer + 1)) {
        const entries: LayerEntry[] = [];
        for await (const e of this.store.fs.layerEntries(l.layerDigest)) entries.push(e);
        fs.applyLayer(entries);
        await nextTurn();
      }
      this.linkMerge = { layer, fs };
    }
    const n = this.linkMerge.fs.get(path);
    if (!n) throw new Error(`layers 0..${layer} of image ${this.image.id} have no ${path}`);
    const node = compareNodeOf(n);
    this.links.set(path, node);
    return node;
  }

  /** Lets go of what a walk merged for hard links (a kept comparison holds its sides). */
  release(): void {
    this.linkMerge = null;
  }
}

/** A row of an as-of listing, and whether it is the merged view's (live) or a version gone since. */
interface AsOfRow {
  row: ListingRow;
  live: boolean;
}

/**
 * An image as its draft leaves it: the engine's DraftView over the image's index (what the draft
 * did not touch is read from the index, as the draft explorer reads it). What the draft wrote or
 * changed is in `draftLayer`, the layer an export would add.
 */
export class DraftTree implements SideTree {
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
