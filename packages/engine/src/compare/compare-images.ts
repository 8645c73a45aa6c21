/**
 * Two sides — each an image, optionally as of layer N (its layers 0..N merged) — compared in
 * full: the layers they share, their configs, their histories step by step, and their merged
 * filesystems path by path.
 */
import { mergeLayers, type MergedFs } from '../fs/merge.js';
import type { ImageConfig, LayerEntry, ResolvedImage } from '../types.js';
import { diffConfig } from './config.js';
import { alignHistory } from './history.js';
import { alignLayers } from './layers.js';
import { compareNodeOf } from './node.js';
import { comparePaths } from '../fs/path-order.js';
import { treeOrderedNodes, type PathOrder } from './order.js';
import { diffTrees, type NodeSource } from './tree-diff.js';
import type { CompareNode, ConfigChange, FolderChanges, FsDiffSummary, HistoryRow, HistoryStepRef, LayerAlignment, LayerRef, PathChange } from './types.js';

/** What a comparison needs of one side. */
export interface CompareSide {
  /** The layers this side's filesystem is made of, base first. */
  layers: LayerRef[];
  config: ImageConfig;
  history: HistoryStepRef[];
  /** The side's merged filesystem in `order` (order.ts), from `root` ('' for all) down. */
  nodes(root: string): NodeSource;
  /** The order `nodes` gives (default `pre`); both sides must agree. */
  order?: PathOrder;
}

/** What a side is besides its files: its layers, config and history. */
export type SideFacts = Omit<CompareSide, 'nodes' | 'order'>;

/** The parts of an image `sideFacts` reads (a stored image record has them too). */
export interface SideImage {
  layers: ReadonlyArray<Pick<ResolvedImage['layers'][number], 'index' | 'diffId' | 'uncompressedSize'>>;
  config: ImageConfig;
  history: ResolvedImage['history'];
}

/**
 * An image's layers, config and history as of layer `asOfLayer` (default: the top). The config
 * is the image's own (an image records no config per layer); the history stops before the first
 * step that made a later layer. A RangeError for a layer the image does not have.
 */
export function sideFacts(image: SideImage, asOfLayer: number | null = null): SideFacts {
  const count = image.layers.length;
  const top = asOfLayer ?? count - 1;
  if (!Number.isInteger(top) || top < -1 || top >= count || (asOfLayer !== null && top < 0)) {
    throw new RangeError(`no layer ${asOfLayer}: the image has ${count} layer${count === 1 ? '' : 's'}`);
  }
  const layers = image.layers.slice(0, top + 1).map((l) => ({ index: l.index, diffId: l.diffId, size: l.uncompressedSize }));
  const cut = image.history.findIndex((s) => s.layer !== null && s.layer > top);
  const history = (cut < 0 ? image.history : image.history.slice(0, cut)).map((s, index) => ({
    index,
    createdBy: s.createdBy,
    created: s.created,
    comment: s.comment,
    emptyLayer: s.emptyLayer,
    layer: s.layer,
    diffId: s.layer === null ? null : (image.layers[s.layer]?.diffId ?? null),
  }));
  return { layers, config: image.config, history };
}

/** A side made of an image and its layers' entries, as of layer `asOfLayer` (default: the top); see sideFacts. */
export function imageSide(image: ResolvedImage, layerEntries: ReadonlyArray<readonly LayerEntry[]>, asOfLayer: number | null = null): CompareSide {
  const facts = sideFacts(image, asOfLayer);
  let merged: MergedFs | null = null;
  return {
    ...facts,
    nodes: (root) => nodesOf((merged ??= mergeLayers(layerEntries.slice(0, facts.layers.length))), root),
  };
}

function* nodesOf(fs: MergedFs, root: string): Generator<CompareNode> {
  for (const n of treeOrderedNodes(fs, root)) yield compareNodeOf(n);
}

export interface CompareOptions {
  /**
   * Compare only this path and what is below it ('' or absent: everything). A comparison of part
   * of the tree is about files only: the config and history are then not compared (left empty).
   */
  root?: string;
  /** Count mtime-only changes as changes (listed, in folder totals, in `equal`). Default false. */
  includeMtime?: boolean;
  /**
   * Hands each change to this as it is found (in the sources' order) instead of collecting it in
   * `changes`, which stays empty: for a caller that keeps them in a form of its own.
   */
  onChange?: (change: PathChange) => void;
}

export interface ImageComparison {
  /**
   * What ships is the same: no change of the filesystem (mtime-only ones aside unless included)
   * and none of the config. History rows are reported but do not count: a rebuild that writes the
   * same files records other layer digests and times without changing what runs.
   */
  equal: boolean;
  /** Both sides have the same layers, so the same filesystem: only one was merged. */
  sameLayers: boolean;
  summary: FsDiffSummary;
  layers: LayerAlignment;
  config: ConfigChange[];
  history: HistoryRow[];
  /** Changed paths in pre-order (a folder, then what is below it; siblings by name); empty with `onChange`. */
  changes: PathChange[];
  /** Folders with changes below them, in pre-order ('' is the root, first). */
  folders: FolderChanges[];
}

export async function compareImages(a: CompareSide, b: CompareSide, options: CompareOptions = {}): Promise<ImageComparison> {
  const root = options.root ?? '';
  const order = a.order ?? 'pre';
  if ((b.order ?? 'pre') !== order) throw new Error(`the sides are in different path orders (${order}, ${b.order ?? 'pre'})`);
  const layers = alignLayers(a.layers, b.layers);
  const sameLayers = layers.onlyA.length === 0 && layers.onlyB.length === 0;
  const changes: PathChange[] = [];
  const folders: FolderChanges[] = [];
  // The same layer stack builds the same filesystem: it is merged once (and walked for the sizes).
  const diff = diffTrees(a.nodes(root), sameLayers ? a.nodes(root) : b.nodes(root), { includeMtime: options.includeMtime, order });
  const keep = options.onChange ?? ((c: PathChange) => void changes.push(c));
  let count = 0;
  let step = await diff.next();
  while (!step.done) {
    if (step.value.kind === 'change') {
      keep(step.value.change);
      count++;
    } else folders.push(step.value.folder);
    step = await diff.next();
  }
  folders.sort((x, y) => comparePaths(x.path, y.path));
  if (order === 'post') changes.sort((x, y) => comparePaths(x.path, y.path));
  const whole = root === '';
  const config = whole ? diffConfig(a.config, b.config) : [];
  const history = whole ? alignHistory(a.history, b.history) : [];
  return {
    equal: count === 0 && config.length === 0,
    sameLayers,
    summary: step.value,
    layers,
    config,
    history,
    changes,
    folders,
  };
}
