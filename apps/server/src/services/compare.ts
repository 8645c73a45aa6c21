import type { CompareChange, CompareItem, CompareNode as ApiCompareNode, ComparePage, CompareSide as ApiCompareSide, CompareSort, CompareSummary } from '@peel/api';
import {
  alignLayers, compareImages, comparePaths, decodeName, encodeName, isBelow, parentOf, baseName, sideFacts,
  type CompareNode, type FolderChanges, type ImageComparison, type ImageConfig, type NodeSource, type PathChange,
} from '@peel/engine';
import type { ImageLayer, LayerDigest, Store, StoredImage } from '../store/index.js';
import { badRequest, notFound } from '../errors.js';
import { toApiPath, toEnginePath } from '../store/image-path.js';
import { decodeCursor, encodeCursor, KEY_SHAPES } from './page-key.js';
import type { ImagesService } from './images.js';
import { AsOfTree, DraftTree, StoredTree, walkBelow, type SideTree } from './compare-sides.js';
import { viewOf, type DraftContext, type DraftLoader } from './draft-context.js';
import { applyConfigPatch, imageContainerConfig } from './config-patch.js';
import { lowerAscii } from './search-text.js';

/** A side as a request names it: an image, and the layer it stops at (none: the whole image). */
export interface SideRequest {
  id: string;
  layer?: number;
  /** The image as its draft leaves it (never with a layer). */
  draft?: boolean;
}

export interface CompareRequest {
  a: SideRequest;
  b: SideRequest;
  /** List mtime-only changes (and count them in the folders' totals). */
  mtime: boolean;
}

export const COMPARE_KINDS: readonly CompareChange[] = ['added', 'removed', 'modified', 'type', 'metadata'];

export interface ComparePageRequest {
  limit: number;
  cursor?: string;
  /** null: every kind. */
  kinds: CompareChange[] | null;
}

export interface FolderPageRequest extends ComparePageRequest {
  path: string;
  sort: CompareSort;
  unchanged: boolean;
}

export interface ChangesPageRequest extends ComparePageRequest {
  /** Only this path and what is below it. */
  path?: string;
  /** Case-insensitive (ASCII) substring of the absolute path. */
  q?: string;
}

export interface ResolvedSide {
  image: StoredImage;
  layers: ImageLayer[];
  /** As the request named it. */
  asOf: number | null;
  /** The top layer the side uses (for a draft side with edits, the layer an export would add). */
  top: number;
  /** A draft side: the image's draft as read for this request. */
  draft: DraftContext | null;
}

/** One folder's child in the tree of differences: a change, a folder holding changes, or both. */
interface Row {
  path: string;
  name: string;
  change: PathChange | null;
  below: FolderChanges | null;
}

/** The changes of the kinds asked for, with folder totals counting only them. */
interface KindView {
  changes: PathChange[];
  folders: Map<string, FolderChanges>;
  /** Rows of each folder holding changes, by folder path. */
  rows: Map<string, Row[]>;
}

/** A computed comparison, kept while it is among the recently used. */
class Comparison {
  private readonly views = new Map<string, unknown>();
  /**
   * Heap it holds, estimated from what it keeps: a record per change (with its row in the folder
   * index) and the entries of the sides its changes hold (no side holds more: each is read from
   * the index as it is walked).
   */
  readonly bytes: number;

  constructor(
    readonly result: ImageComparison,
    readonly trees: { a: SideTree; b: SideTree },
  ) {
    let nodes = 0;
    for (const c of result.changes) nodes += (c.a ? 1 : 0) + (c.b ? 1 : 0);
    this.bytes = result.changes.length * BYTES_PER_CHANGE + nodes * BYTES_PER_NODE;
  }

  /** A derived listing, computed once (a few dozen are kept, the oldest forgotten). */
  view<T>(key: string, make: () => T): T {
    if (this.views.has(key)) return this.views.get(key) as T;
    const v = make();
    if (this.views.size >= 32) this.views.delete(this.views.keys().next().value!);
    this.views.set(key, v);
    return v;
  }

  kindView(kinds: CompareChange[] | null): KindView {
    return this.view(`kinds:${kinds?.join(',') ?? '*'}`, () => {
      const changes = kinds ? this.result.changes.filter((c) => kinds.includes(c.change)) : this.result.changes;
      const folders = kinds ? folderTotals(changes) : new Map(this.result.folders.map((f) => [f.path, f]));
      return { changes, folders, rows: folderRows(changes, folders) };
    });
  }
}

/** Folder totals of a subset of the changes (the engine's, recounted: every folder above each change). */
function folderTotals(changes: readonly PathChange[]): Map<string, FolderChanges> {
  const folders = new Map<string, FolderChanges>();
  for (const c of changes) {
    const sizeA = c.a?.size ?? 0;
    const sizeB = c.b?.size ?? 0;
    let p = c.path;
    do {
      p = parentOf(p);
      let f = folders.get(p);
      if (!f) folders.set(p, (f = { path: p, changesBelow: 0, bytesBelowA: 0, bytesBelowB: 0 }));
      f.changesBelow++;
      f.bytesBelowA += sizeA;
      f.bytesBelowB += sizeB;
    } while (p !== '');
  }
  return folders;
}

function folderRows(changes: readonly PathChange[], folders: ReadonlyMap<string, FolderChanges>): Map<string, Row[]> {
  const rows = new Map<string, Row[]>();
  const add = (r: Row) => {
    const dir = parentOf(r.path);
    let list = rows.get(dir);
    if (!list) rows.set(dir, (list = []));
    list.push(r);
  };
  const changed = new Set<string>();
  for (const c of changes) {
    changed.add(c.path);
    add({ path: c.path, name: baseName(c.path), change: c, below: folders.get(c.path) ?? null });
  }
  for (const f of folders.values()) {
    if (f.path !== '' && !changed.has(f.path)) add({ path: f.path, name: baseName(f.path), change: null, below: f });
  }
  return rows;
}

/**
 * Bytes that changed at and below a row: its own (a change's sizes) and those of the changes
 * below it. sort=delta orders by its magnitude.
 */
function rowDelta(r: Row): number {
  const own = r.change ? (r.change.b?.size ?? 0) - (r.change.a?.size ?? 0) : 0;
  return own + (r.below ? r.below.bytesBelowB - r.below.bytesBelowA : 0);
}

const byRowName = (x: Row, y: Row) => comparePaths(x.name, y.name);
const byRowDelta = (x: Row, y: Row) => Math.abs(rowDelta(y)) - Math.abs(rowDelta(x)) || byRowName(x, y);

/** A comparison being computed, or computed. */
interface CacheEntry {
  pending: Promise<Comparison>;
  done: Comparison | null;
}

/** Most comparisons kept, and the bytes they may hold together (estimated: see Comparison.bytes). */
const CACHE_ENTRIES = 8;
const CACHE_BYTES = 64 * 2 ** 20;
/**
 * Heap a change's own record keeps (its PathChange, its row in the folder index and its folder
 * totals' share), and an entry of a side (a CompareNode with its path and digest): fitted to the
 * heap measured after full GCs, two unrelated 100k-file images (110,020 changes: +67.5 MiB) and
 * their sides as of layer 0 (50,000 changes, 100,102 merged entries: +35.6 MiB).
 */
const BYTES_PER_CHANGE = 100;
const BYTES_PER_NODE = 300;
/**
 * Past this many paths touched by the layers the sides do not share, a walk of both whole trees
 * costs less than looking each one up.
 */
const TOUCHED_LIMIT = 20_000;

/**
 * Comparing two sides (an image, optionally as of a layer) with the engine's comparison: computed
 * once per pair of sides and kept in a small least-recently-used cache, from which the summary,
 * the folder pages of the tree of differences and the flat list of changes are cut.
 */
export class CompareService {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly store: Store, private readonly images: ImagesService, private readonly drafts: DraftLoader) {}

  async summary(req: CompareRequest): Promise<CompareSummary> {
    const { a, b, cmp } = await this.comparison(req);
    const r = cmp.result;
    return {
      a: sideOf(a),
      b: sideOf(b),
      identical: r.equal,
      fs: r.summary,
      layers: r.layers,
      config: r.config,
      history: r.history,
    };
  }

  /** One page of a folder's children in the tree of differences. */
  async folderPage(req: CompareRequest, page: FolderPageRequest): Promise<ComparePage> {
    const { cmp } = await this.comparison(req);
    const dir = await this.folder(cmp, page.path);
    const all = cmp.kindView(null).rows.get(dir) ?? [];
    let rows = cmp.view(`fs:${page.kinds?.join(',') ?? '*'}:${page.sort}:${dir}`, () => {
      const list = [...(cmp.kindView(page.kinds).rows.get(dir) ?? [])];
      return list.sort(page.sort === 'delta' ? byRowDelta : byRowName);
    });
    // Entries the sides have alike are read from the sides when asked for (they are never kept).
    const kids = page.unchanged || rows.some((r) => r.change === null) ? await bothChildren(cmp, dir) : null;
    if (page.unchanged) {
      const listed = new Set(all.map((r) => r.path));
      const same = [...new Set([...kids!.a.keys(), ...kids!.b.keys()])].filter((p) => !listed.has(p)).map((p) => ({ path: p, name: baseName(p), change: null, below: null }));
      rows = [...rows, ...same].sort(page.sort === 'delta' ? byRowDelta : byRowName);
    }
    const sort = page.sort;
    const keyOf = (r: Row) => (sort === 'delta' ? [-Math.abs(rowDelta(r)), r.name] as const : [0, r.name] as const);
    const after = page.cursor === undefined ? null : sort === 'delta' ? parseKey(KEY_SHAPES.compareDelta, page.cursor) : parseKey(KEY_SHAPES.compareName, page.cursor);
    const start = after === null ? 0 : firstAfter(rows, (r) => {
      const [d, name] = keyOf(r);
      return d - after.n || comparePaths(name, after.name);
    });
    const slice = rows.slice(start, start + page.limit);
    const last = slice[slice.length - 1];
    const more = start + page.limit < rows.length;
    return {
      items: slice.map((r) => itemOf(r, kids)),
      total: rows.length,
      next: more && last ? (sort === 'delta' ? encodeCursor(KEY_SHAPES.compareDelta, [-Math.abs(rowDelta(last)), encodeName(last.name)]) : encodeCursor(KEY_SHAPES.compareName, [encodeName(last.name)])) : null,
      counts: countKinds(all.map((r) => r.change?.change ?? null)),
    };
  }

  /** One page of the changed paths in tree order. */
  async changesPage(req: CompareRequest, page: ChangesPageRequest): Promise<ComparePage> {
    const { cmp } = await this.comparison(req);
    const prefix = page.path === undefined ? null : await this.folder(cmp, page.path);
    const q = page.q === undefined ? null : lowerAscii(page.q);
    const inScope = (c: PathChange) => (prefix === null || prefix === '' || c.path === prefix || isBelow(prefix, c.path))
      && (q === null || lowerAscii(`/${c.path}`).includes(q));
    const scope = JSON.stringify([prefix, q]);
    const scoped = cmp.view(`changes:${scope}`, () => cmp.result.changes.filter(inScope));
    const view = cmp.kindView(page.kinds);
    const list = page.kinds ? cmp.view(`changes:${scope}:${page.kinds.join(',')}`, () => view.changes.filter(inScope)) : scoped;
    const after = page.cursor === undefined ? null : decodeName(decodeCursor(KEY_SHAPES.comparePath, page.cursor)[0] as Buffer);
    const start = after === null ? 0 : firstAfter(list, (c) => comparePaths(c.path, after));
    const slice = list.slice(start, start + page.limit);
    const last = slice[slice.length - 1];
    return {
      items: slice.map((c) => itemOf({ path: c.path, name: baseName(c.path), change: c, below: view.folders.get(c.path) ?? null }, null)),
      total: list.length,
      next: start + page.limit < list.length && last ? encodeCursor(KEY_SHAPES.comparePath, [encodeName(last.path)]) : null,
      counts: countKinds(scoped.map((c) => c.change)),
    };
  }

  /** The engine path of a folder to list: the root, or a folder on at least one side. */
  private async folder(cmp: Comparison, apiPath: string): Promise<string> {
    const path = toEnginePath(apiPath);
    if (path === '') return path;
    const [a, b] = await Promise.all([cmp.trees.a.node(path), cmp.trees.b.node(path)]);
    if (!a && !b) throw notFound(`no ${toApiPath(path)} on either side`);
    if (a?.type !== 'dir' && b?.type !== 'dir') throw badRequest('NOT_A_DIRECTORY', `${toApiPath(path)} is not a directory on either side (${a?.type ?? 'absent'} in A, ${b?.type ?? 'absent'} in B)`);
    return path;
  }

  private async comparison(req: CompareRequest): Promise<{ a: ResolvedSide; b: ResolvedSide; cmp: Comparison }> {
    const [a, b] = await this.sides(req);
    // A draft side is keyed by its revision: an edit makes it another side.
    const key = JSON.stringify([a.image.id, a.top, draftKey(a), b.image.id, b.top, draftKey(b), req.mtime]);
    let entry = this.cache.get(key);
    if (entry) {
      // Most recently used last.
      this.cache.delete(key);
    } else {
      // Room first: a comparison past the bound, kept only as the newest, goes before the next is computed.
      this.trim(false);
      const made: CacheEntry = (entry = { pending: this.compute(a, b, req.mtime), done: null });
      made.pending.then((c) => {
        made.done = c;
        this.trim(true);
      }, () => this.cache.delete(key));
    }
    this.cache.set(key, entry);
    return { a, b, cmp: await entry.pending };
  }

  /**
   * Forgets the least recently used comparisons past the cache's bounds; `keepNewest`: the most
   * recently used stays whatever it weighs (the pages of the comparison just asked for read it).
   */
  private trim(keepNewest: boolean): void {
    let bytes = 0;
    let done = 0;
    for (const e of this.cache.values()) {
      if (!e.done) continue;
      bytes += e.done.bytes;
      done++;
    }
    for (const [key, e] of this.cache) {
      if (done === 0 || (keepNewest && done === 1) || (done <= CACHE_ENTRIES && bytes <= CACHE_BYTES)) break;
      if (!e.done) continue;
      this.cache.delete(key);
      bytes -= e.done.bytes;
      done--;
    }
  }

  /** Both sides as the request names them (404 for an unknown image, 400 for a layer out of range). */
  sides(req: CompareRequest): Promise<[ResolvedSide, ResolvedSide]> {
    return Promise.all([this.side(req.a, 'aLayer'), this.side(req.b, 'bLayer')]);
  }

  private async side(req: SideRequest, param: string): Promise<ResolvedSide> {
    const image = await this.images.require(req.id);
    const layers = await this.store.images.layers(image.id);
    if (req.layer !== undefined && req.layer >= layers.length) {
      throw badRequest('BAD_LAYER', `${param}=${req.layer}: image ${image.id} has ${layers.length} layer${layers.length === 1 ? '' : 's'} (0..${layers.length - 1})`);
    }
    if (req.draft) {
      const ctx = await this.drafts.load(image.id);
      return { image, layers, asOf: null, top: ctx.ops.length > 0 ? layers.length : layers.length - 1, draft: ctx };
    }
    return { image, layers, asOf: req.layer ?? null, top: req.layer ?? layers.length - 1, draft: null };
  }

  /**
   * The tree a side reads: the index's own merged filesystem for a whole image, or as of a layer
   * the versions the index says were alive after it (nothing merged or held either way).
   */
  private async tree(s: ResolvedSide): Promise<SideTree> {
    if (s.draft) {
      const ctx = s.draft;
      return new DraftTree(ctx, await ctx.lookup.settle(() => viewOf(ctx)), s.layers.length);
    }
    if (s.top === s.layers.length - 1) return new StoredTree(this.store, s.image, s.layers);
    return new AsOfTree(this.store, s.image, s.layers, s.top);
  }

  private async compute(a: ResolvedSide, b: ResolvedSide, includeMtime: boolean): Promise<Comparison> {
    const factsA = sideFacts(sideImage(a), a.top);
    const factsB = sideFacts(sideImage(b), b.top);
    const layers = alignLayers(factsA.layers, factsB.layers);
    const sameLayers = layers.onlyA.length === 0 && layers.onlyB.length === 0;
    const treeA = await this.tree(a);
    // The same layer stack builds the same filesystem, entry for entry, layer numbers included.
    const treeB = sameLayers ? treeA : await this.tree(b);
    // So with the same layers nothing differs and only the totals are read (a whole image's from
    // the folder totals its index stored: no entry at all).
    // Sharing layers 0..k−1 (diff_ids are the layers' bytes), the sides can differ only at the
    // paths the later layers touch on either side: those (and what is below the ones that delete
    // or replace a folder) are compared, the rest of the tree never walked. The totals of side B
    // are then A's with the touched paths swapped.
    // A draft's layer (the one its export would add) touches the paths its edits name.
    const stored = (s: ResolvedSide, index: number) => (index < s.layers.length ? [s.layers[index]] : []);
    const edited = [treeA, treeB].flatMap((t) => (t instanceof DraftTree ? t.touched() : []));
    const touched = sameLayers ? [] : layers.shared > 0
      ? await this.touchedRoots([...layers.onlyA.flatMap((l) => stored(a, l.index)), ...layers.onlyB.flatMap((l) => stored(b, l.index))], edited)
      : null;
    const source = (tree: SideTree): NodeSource => (touched === null ? tree.walk() : touchedNodes(tree, touched));
    const result = await compareImages({ ...factsA, nodes: () => source(treeA) }, { ...factsB, nodes: () => source(treeB) }, { includeMtime });
    if (touched !== null) {
      const part = result.summary;
      // The whole of one side from its cheap totals (a whole image's; a draft's or an as-of side's
      // need a walk), the other's by the swap.
      if (!(treeA instanceof StoredTree) && treeB instanceof StoredTree) {
        const whole = await treeB.totals();
        part.entries = { a: whole.entries - part.entries.b + part.entries.a, b: whole.entries };
        part.bytes = { a: whole.bytes - part.bytes.b + part.bytes.a, b: whole.bytes };
      } else {
        const whole = await treeA.totals();
        part.entries = { a: whole.entries, b: whole.entries - part.entries.a + part.entries.b };
        part.bytes = { a: whole.bytes, b: whole.bytes - part.bytes.a + part.bytes.b };
      }
      part.net = part.bytes.b - part.bytes.a;
    }
    keepOnce(result.changes);
    const cmp = new Comparison(result, { a: treeA, b: treeB });
    // Every folder page reads the index of folders to their rows: made once, here.
    cmp.kindView(null);
    return cmp;
  }

  /**
   * The paths the layers' entries touch, as roots in path order: `subtree` when everything below
   * goes too (a whiteout, an opaque folder, a non-folder written over what may have been a
   * folder); every folder above an entry is touched itself (made, or its attributes set). Null
   * when a walk of the whole trees is cheaper (too many, or the root made opaque).
   */
  private async touchedRoots(layers: ImageLayer[], edited: ReadonlyArray<{ path: string; subtree: boolean }>): Promise<Array<{ path: string; subtree: boolean }> | null> {
    const marks = new Map<string, boolean>();
    const mark = (path: string, subtree: boolean) => {
      marks.set(path, subtree || (marks.get(path) ?? false));
      for (let p = parentOf(path); p !== '' && !marks.has(p); p = parentOf(p)) marks.set(p, false);
    };
    for (const e of edited) {
      if (e.path === '') return null;
      mark(e.path, e.subtree);
    }
    if (marks.size > TOUCHED_LIMIT) return null;
    for (const digest of new Set<LayerDigest>(layers.map((l) => l.layerDigest))) {
      for await (const e of this.store.fs.layerEntries(digest, { lean: true })) {
        if (e.path === '') return null;
        mark(e.path, e.type === 'whiteout' || e.type === 'opaque' || e.type !== 'dir');
        if (marks.size > TOUCHED_LIMIT) return null;
      }
    }
    const roots: Array<{ path: string; subtree: boolean }> = [];
    let cover: string | null = null;
    for (const path of [...marks.keys()].sort(comparePaths)) {
      if (cover !== null && isBelow(cover, path)) continue;
      const subtree = marks.get(path)!;
      roots.push({ path, subtree });
      cover = subtree ? path : null;
    }
    return roots;
  }
}

/**
 * Makes the changes kept share what they hold alike: the path and equal digest both sides' entries
 * read separately, and the lists of changed fields (a few distinct ones, each grown by pushes to
 * a backing store several times its length): a fifth of a comparison's heap.
 */
function keepOnce(changes: PathChange[]): void {
  const fieldLists = new Map<string, PathChange['fields']>();
  for (const c of changes) {
    if (c.a && c.b) {
      c.b.path = c.a.path;
      if (c.b.digest === c.a.digest) c.b.digest = c.a.digest;
    }
    const key = c.fields.join();
    const shared = fieldLists.get(key);
    if (shared) c.fields = shared;
    else fieldLists.set(key, c.fields);
  }
}

/** A side's nodes at the touched roots (and below the subtree ones), in pre-order. */
async function* touchedNodes(tree: SideTree, roots: ReadonlyArray<{ path: string; subtree: boolean }>): AsyncGenerator<CompareNode> {
  for (const r of roots) {
    const node = await tree.node(r.path);
    if (!node) continue;
    yield node;
    if (r.subtree && node.type === 'dir') yield* walkBelow(tree, r.path);
  }
}

async function bothChildren(cmp: Comparison, dir: string): Promise<{ a: Map<string, CompareNode>; b: Map<string, CompareNode> }> {
  const [a, b] = await Promise.all([cmp.trees.a.children(dir), cmp.trees.b.children(dir)]);
  return { a: new Map(a.map((n) => [n.path, n])), b: new Map(b.map((n) => [n.path, n])) };
}

function sideImage(s: ResolvedSide): { layers: Array<{ index: number; diffId: string; uncompressedSize: number }>; config: ImageConfig; history: StoredImage['history'] } {
  const layers = s.layers.map((l) => ({ index: l.index, diffId: l.diffId, uncompressedSize: l.uncompressedSize }));
  const config = JSON.parse(s.image.configRaw.toString('utf8')) as ImageConfig;
  const history = s.image.history;
  if (!s.draft) return { layers, config, history };
  // The draft as its export would make it: the config patched and, when it edits the
  // filesystem, one layer more, named by the draft's revision (no other side has it).
  const head = s.draft.head;
  const patched = { ...config, config: applyConfigPatch(imageContainerConfig(s.image.configRaw), head?.config ?? {}) } as ImageConfig;
  if (s.draft.ops.length === 0) return { layers, config: patched, history };
  const index = layers.length;
  return {
    layers: [...layers, { index, diffId: `draft:${s.image.id}@${draftKey(s)}`, uncompressedSize: 0 }],
    config: patched,
    history: [...history, { created: head?.updatedAt ?? null, createdBy: `peel draft: ${s.draft.ops.length} edit${s.draft.ops.length === 1 ? '' : 's'}, not exported`, comment: null, author: null, emptyLayer: false, layer: index }],
  };
}

/** What tells one state of a draft from another: its revision and its last edit's time. */
function draftKey(s: ResolvedSide): string | null {
  return s.draft ? `${s.draft.revision ?? 0}/${s.draft.head?.updatedAt ?? ''}` : null;
}

function sideOf(s: ResolvedSide): ApiCompareSide {
  return { id: s.image.id, name: s.image.name, tags: s.image.tags, asOfLayer: s.asOf, layerCount: s.layers.length, draft: s.draft !== null };
}

function apiNode(n: CompareNode | null | undefined): ApiCompareNode | null {
  if (!n) return null;
  return {
    type: n.type as ApiCompareNode['type'], mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime, size: n.size,
    digest: n.digest, linkTarget: n.linkTarget, device: n.device, xattrs: n.xattrs, layer: n.layer,
  };
}

function itemOf(r: Row, kids: { a: Map<string, CompareNode>; b: Map<string, CompareNode> } | null): CompareItem {
  const c = r.change;
  return {
    name: r.name,
    path: toApiPath(r.path),
    change: c?.change ?? null,
    fields: c?.fields ?? [],
    mtimeOnly: c?.mtimeOnly ?? false,
    a: apiNode(c ? c.a : kids?.a.get(r.path)),
    b: apiNode(c ? c.b : kids?.b.get(r.path)),
    changesBelow: r.below?.changesBelow ?? 0,
    bytesBelowA: r.below?.bytesBelowA ?? 0,
    bytesBelowB: r.below?.bytesBelowB ?? 0,
  };
}

function countKinds(changes: Iterable<CompareChange | null>): ComparePage['counts'] {
  const counts = { added: 0, removed: 0, modified: 0, type: 0, metadata: 0 };
  for (const c of changes) if (c) counts[c]++;
  return counts;
}

/** The index of the first element ordered after the cursor (`cmp` < 0: before it), by bisection. */
function firstAfter<T>(list: readonly T[], cmp: (x: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(list[mid]) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A folder page's cursor: the ordering number (0 by name; −|delta|) and the name. */
function parseKey(shape: typeof KEY_SHAPES.compareName | typeof KEY_SHAPES.compareDelta, cursor: string): { n: number; name: string } {
  const key = decodeCursor(shape, cursor);
  return shape === KEY_SHAPES.compareDelta ? { n: key[0] as number, name: decodeName(key[1] as Buffer) } : { n: 0, name: decodeName(key[0] as Buffer) };
}
