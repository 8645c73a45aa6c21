import type { CompareChange, CompareItem, CompareNode as ApiCompareNode, ComparePage, CompareSide as ApiCompareSide, CompareSort, CompareSummary } from '@peel/api';
import {
  alignLayers, compareImages, comparePaths, decodeName, encodeName, isBelow, parentOf, baseName, sideFacts, ChangeTable,
  type CompareNode, type FolderChanges, type ImageComparison, type ImageConfig, type NodeSource,
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
  /** The change's row in the comparison's table; -1: none (a folder holding changes, or alike on both sides). */
  change: number;
  below: FolderChanges | null;
  /**
   * Bytes that changed at and below it: its own (a change's sizes) and those of the changes
   * below it. sort=delta orders by its magnitude.
   */
  delta: number;
}

/** Folder totals counting only the changes of the kinds asked for. */
interface KindView {
  folders: Map<string, FolderChanges>;
}

/** A computed comparison, kept while it is among the recently used. */
class Comparison {
  private readonly views = new Map<string, unknown>();
  /** Heap it holds: its table of changes and its folder totals (no side holds any: each is read from the index as walked). */
  readonly bytes: number;

  constructor(
    readonly result: ImageComparison,
    readonly table: ChangeTable,
    readonly trees: { a: SideTree; b: SideTree },
  ) {
    this.bytes = table.bytes + result.folders.length * BYTES_PER_FOLDER;
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
    return this.view(`kinds:${kinds?.join(',') ?? '*'}`, () => ({
      folders: kinds ? folderTotals(this.table, this.indices((i) => kinds.includes(this.table.kind(i)))) : new Map(this.result.folders.map((f) => [f.path, f])),
    }));
  }

  /** The rows of changes in tree order that `keep` keeps. */
  indices(keep: (i: number) => boolean, from = 0, to = this.table.length): Int32Array {
    const out: number[] = [];
    for (let i = from; i < to; i++) if (keep(i)) out.push(i);
    return Int32Array.from(out);
  }

  /**
   * The children of folder `dir` holding changes of the kinds asked for, in no order: the changes
   * directly in it, and the folders with such changes below them. A folder's subtree is one run
   * of the changes (tree order), found by bisection.
   */
  rows(dir: string, kinds: CompareChange[] | null): Row[] {
    return this.view(`rows:${kinds?.join(',') ?? '*'}:${dir}`, () => {
      const t = this.table;
      const { folders } = this.kindView(kinds);
      const rows: Row[] = [];
      const changed = new Set<string>();
      const [from, to] = subtreeRun(t, dir);
      // Directly in `dir`: no `/` after its own (compared in place: a folder of the root scans every change).
      const slash = dir === '' ? -1 : dir.length;
      for (let i = from; i < to; i++) {
        const path = t.path(i);
        if (path.lastIndexOf('/') !== slash || (kinds && !kinds.includes(t.kind(i)))) continue;
        const below = folders.get(path) ?? null;
        changed.add(path);
        rows.push({ path, name: baseName(path), change: i, below, delta: t.size(i, 'b') - t.size(i, 'a') + belowDelta(below) });
      }
      for (const f of folders.values()) {
        if (f.path !== '' && parentOf(f.path) === dir && !changed.has(f.path)) rows.push({ path: f.path, name: baseName(f.path), change: -1, below: f, delta: belowDelta(f) });
      }
      return rows;
    });
  }
}

/** The run of the table's rows (tree order: `/` sorts first) that are below folder `dir`. */
function subtreeRun(t: ChangeTable, dir: string): [number, number] {
  if (dir === '') return [0, t.length];
  const prefix = `${dir}/`;
  const from = bisect(t.length, 0, (i) => comparePaths(t.path(i), prefix) < 0);
  return [from, bisect(t.length, from, (i) => t.path(i).startsWith(prefix))];
}

/** The first index from `lo` where `before` turns false (it is true, then false). */
function bisect(length: number, lo: number, before: (i: number) => boolean): number {
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const belowDelta = (f: FolderChanges | null) => (f ? f.bytesBelowB - f.bytesBelowA : 0);

/** Folder totals of a subset of the changes (the engine's, recounted: every folder above each change). */
function folderTotals(t: ChangeTable, indices: Int32Array): Map<string, FolderChanges> {
  const folders = new Map<string, FolderChanges>();
  for (const i of indices) {
    const sizeA = t.size(i, 'a');
    const sizeB = t.size(i, 'b');
    let p = t.path(i);
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

const byRowName = (x: Row, y: Row) => comparePaths(x.name, y.name);
const byRowDelta = (x: Row, y: Row) => Math.abs(y.delta) - Math.abs(x.delta) || byRowName(x, y);

/** A comparison being computed, or computed. */
interface CacheEntry {
  pending: Promise<Comparison>;
  done: Comparison | null;
}

/**
 * Most comparisons kept, and the bytes they may hold together (see Comparison.bytes): one of two
 * unrelated 100,000-file images holds about 26 MiB, so one such is kept (with room for several
 * small ones), and let go before another is computed.
 */
const CACHE_ENTRIES = 8;
const CACHE_BYTES = 32 * 2 ** 20;
/** Heap a folder's totals keep (its record and path, and its entry in the lookup by path). */
const BYTES_PER_FOLDER = 200;
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
    const all = cmp.rows(dir, null);
    let rows = cmp.view(`fs:${page.kinds?.join(',') ?? '*'}:${page.sort}:${dir}`, () => [...cmp.rows(dir, page.kinds)].sort(page.sort === 'delta' ? byRowDelta : byRowName));
    // Entries the sides have alike are read from the sides when asked for (they are never kept).
    const kids = page.unchanged || rows.some((r) => r.change < 0) ? await bothChildren(cmp, dir) : null;
    if (page.unchanged) {
      const listed = new Set(all.map((r) => r.path));
      const same = [...new Set([...kids!.a.keys(), ...kids!.b.keys()])].filter((p) => !listed.has(p)).map((p): Row => ({ path: p, name: baseName(p), change: -1, below: null, delta: 0 }));
      rows = [...rows, ...same].sort(page.sort === 'delta' ? byRowDelta : byRowName);
    }
    const sort = page.sort;
    const keyOf = (r: Row) => (sort === 'delta' ? [-Math.abs(r.delta), r.name] as const : [0, r.name] as const);
    const after = page.cursor === undefined ? null : sort === 'delta' ? parseKey(KEY_SHAPES.compareDelta, page.cursor) : parseKey(KEY_SHAPES.compareName, page.cursor);
    const start = after === null ? 0 : bisect(rows.length, 0, (k) => {
      const [d, name] = keyOf(rows[k]);
      return (d - after.n || comparePaths(name, after.name)) <= 0;
    });
    const slice = rows.slice(start, start + page.limit);
    const last = slice[slice.length - 1];
    const more = start + page.limit < rows.length;
    return {
      items: slice.map((r) => itemOf(cmp.table, r, kids)),
      total: rows.length,
      next: more && last ? (sort === 'delta' ? encodeCursor(KEY_SHAPES.compareDelta, [-Math.abs(last.delta), encodeName(last.name)]) : encodeCursor(KEY_SHAPES.compareName, [encodeName(last.name)])) : null,
      counts: countKinds(all.map((r) => (r.change < 0 ? null : cmp.table.kind(r.change)))),
    };
  }

  /** One page of the changed paths in tree order. */
  async changesPage(req: CompareRequest, page: ChangesPageRequest): Promise<ComparePage> {
    const { cmp } = await this.comparison(req);
    const prefix = page.path === undefined ? null : await this.folder(cmp, page.path);
    const q = page.q === undefined ? null : lowerAscii(page.q);
    const t = cmp.table;
    const inScope = (i: number) => {
      const path = t.path(i);
      return (prefix === null || prefix === '' || path === prefix || isBelow(prefix, path)) && (q === null || lowerAscii(`/${path}`).includes(q));
    };
    const scope = JSON.stringify([prefix, q]);
    const scoped = cmp.view(`changes:${scope}`, () => cmp.indices(inScope));
    const kinds = page.kinds;
    const list = kinds ? cmp.view(`changes:${scope}:${kinds.join(',')}`, () => scoped.filter((i) => kinds.includes(t.kind(i)))) : scoped;
    const view = cmp.kindView(kinds);
    const after = page.cursor === undefined ? null : decodeName(decodeCursor(KEY_SHAPES.comparePath, page.cursor)[0] as Buffer);
    const start = after === null ? 0 : bisect(list.length, 0, (k) => comparePaths(t.path(list[k]), after) <= 0);
    const slice = list.subarray(start, start + page.limit);
    const last = slice.length ? t.path(slice[slice.length - 1]) : null;
    return {
      items: Array.from(slice, (i) => {
        const path = t.path(i);
        return itemOf(t, { path, name: baseName(path), change: i, below: view.folders.get(path) ?? null, delta: 0 }, null);
      }),
      total: list.length,
      next: start + page.limit < list.length && last !== null ? encodeCursor(KEY_SHAPES.comparePath, [encodeName(last)]) : null,
      counts: countKinds(Array.from(scoped, (i) => t.kind(i))),
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
      // Room first: what is kept past half the bound goes before the next is computed, so that
      // no large comparison is held while another is made.
      this.trim(false, CACHE_BYTES / 2);
      const made: CacheEntry = (entry = { pending: this.compute(a, b, req.mtime), done: null });
      made.pending.then((c) => {
        made.done = c;
        this.trim(true, CACHE_BYTES);
      }, () => this.cache.delete(key));
    }
    this.cache.set(key, entry);
    return { a, b, cmp: await entry.pending };
  }

  /**
   * Forgets the least recently used comparisons past the count and `bound` bytes; `keepNewest`:
   * the most recently used stays whatever it weighs (the pages of the comparison just asked for read it).
   */
  private trim(keepNewest: boolean, bound: number): void {
    let bytes = 0;
    let done = 0;
    for (const e of this.cache.values()) {
      if (!e.done) continue;
      bytes += e.done.bytes;
      done++;
    }
    for (const [key, e] of this.cache) {
      if (done === 0 || (keepNewest && done === 1) || (done <= CACHE_ENTRIES && bytes <= bound)) break;
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
    const table = new ChangeTable();
    const result = await compareImages({ ...factsA, nodes: () => source(treeA) }, { ...factsB, nodes: () => source(treeB) }, { includeMtime, onChange: (c) => table.push(c) });
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
    for (const t of [treeA, treeB]) if (t instanceof AsOfTree) t.release();
    return new Comparison(result, table, { a: treeA, b: treeB });
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

function itemOf(t: ChangeTable, r: Row, kids: { a: Map<string, CompareNode>; b: Map<string, CompareNode> } | null): CompareItem {
  const c = r.change < 0 ? null : t.get(r.change);
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

/** A folder page's cursor: the ordering number (0 by name; −|delta|) and the name. */
function parseKey(shape: typeof KEY_SHAPES.compareName | typeof KEY_SHAPES.compareDelta, cursor: string): { n: number; name: string } {
  const key = decodeCursor(shape, cursor);
  return shape === KEY_SHAPES.compareDelta ? { n: key[0] as number, name: decodeName(key[1] as Buffer) } : { n: 0, name: decodeName(key[0] as Buffer) };
}
