import type { HistoryStep } from '../types.js';
import type { MergedFs } from '../fs/merge.js';
import type { CopyLedger } from './copies.js';
import { FolderSizes, TopK } from './folders.js';
import { sizeTree } from './size-tree.js';
import type { LayerSize, SizeReport } from './types.js';

export interface LayerFacts {
  /** Stored blob bytes. */
  size: number;
  /** Uncompressed tar bytes. */
  uncompressedSize: number;
}

export interface SizeLimits {
  biggest: number;
  biggestPerLayer: number;
  treeMaxChildren: number;
  treeMaxDepth: number;
  /** Entries smaller than this share of the whole go into an `other` bucket of the tree. */
  treeMinShare: number;
}

/**
 * Sizes of the image, its layers and its final filesystem. Every layer's contribution is
 * (bytes it wrote) − (bytes whose last path it removed), so the contributions add up to the
 * final filesystem's size exactly.
 */
export function measureSizes(ledger: CopyLedger, fs: MergedFs, facts: readonly LayerFacts[], history: readonly HistoryStep[], baseLayers: number, limits: SizeLimits): SizeReport {
  const layers: LayerSize[] = facts.map((f, index) => {
    const step = history.findIndex((h) => h.layer === index);
    return {
      index,
      stored: f.size,
      uncompressed: f.uncompressedSize,
      content: 0,
      files: 0,
      contribution: 0,
      survives: 0,
      removedLater: 0,
      biggestFiles: [],
      biggestDirs: [],
      historyStep: step < 0 ? null : step,
      createdBy: step < 0 ? null : history[step].createdBy,
      fromBase: index < baseLayers,
    };
  });
  const perLayerFiles = facts.map(() => new TopK(limits.biggestPerLayer));
  const perLayerDirs = facts.map(() => new FolderSizes());
  for (const c of ledger.copies) {
    const l = layers[c.layer];
    const size = c.entry.size;
    l.content += size;
    l.files++;
    l.contribution += size;
    if (c.endedIn === null) l.survives += size;
    else {
      l.removedLater += size;
      layers[c.endedIn].contribution -= size;
    }
    perLayerFiles[c.layer].push({ path: c.entry.path, size, layer: c.layer, type: 'file' });
    perLayerDirs[c.layer].add(c.entry.path, size);
  }
  layers.forEach((l, i) => {
    l.biggestFiles = perLayerFiles[i].result();
    l.biggestDirs = perLayerDirs[i].biggest(limits.biggestPerLayer);
  });

  const folders = new FolderSizes();
  const finalFiles = new TopK(limits.biggest);
  const owned = new Map<string, number>();
  for (const c of ledger.reachable()) {
    const owner = c.owner!;
    folders.add(owner.path, c.entry.size);
    owned.set(owner.path, c.entry.size);
    finalFiles.push({ path: owner.path, size: c.entry.size, layer: c.layer, type: 'file' });
  }
  const shipped = layers.reduce((s, l) => s + l.content, 0);
  const final = folders.get('').size;
  return {
    stored: facts.reduce((s, f) => s + f.size, 0),
    uncompressed: facts.reduce((s, f) => s + f.uncompressedSize, 0),
    shipped,
    final,
    layers,
    biggestFiles: finalFiles.result(),
    biggestDirs: folders.biggest(limits.biggest),
    tree: sizeTree(fs, folders, owned, limits),
  };
}
