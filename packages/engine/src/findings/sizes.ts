import type { HistoryStep, LayerEntry } from '../types.js';
import type { Copy, Owner } from './copies.js';
import { FolderSizes, TopK } from './folders.js';
import { sizeTree, TreeFiles } from './size-tree.js';
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
 * Sizes of the image, its layers and its final filesystem, tallied as the copies are traced.
 * Every layer's contribution is (bytes it wrote) − (bytes whose last path it removed), so the
 * contributions add up to the final filesystem's size exactly. Memory follows the number of
 * folders (their totals), not of files.
 */
export class SizeTally {
  private readonly layers: Array<Pick<LayerSize, 'content' | 'files' | 'contribution' | 'survives' | 'removedLater'>>;
  private readonly perLayerFiles: TopK[];
  private readonly perLayerDirs: FolderSizes[];
  private readonly folders = new FolderSizes();
  private readonly finalFiles: TopK;
  private readonly treeFiles: TreeFiles;

  constructor(layerCount: number, private readonly limits: SizeLimits) {
    this.layers = Array.from({ length: layerCount }, () => ({ content: 0, files: 0, contribution: 0, survives: 0, removedLater: 0 }));
    this.perLayerFiles = this.layers.map(() => new TopK(limits.biggestPerLayer));
    this.perLayerDirs = this.layers.map(() => new FolderSizes());
    this.finalFiles = new TopK(limits.biggest);
    this.treeFiles = new TreeFiles(limits);
  }

  wrote(entry: LayerEntry, layer: number): void {
    const l = this.layers[layer];
    l.content += entry.size;
    l.files++;
    l.contribution += entry.size;
    this.perLayerFiles[layer].push({ path: entry.path, size: entry.size, layer, type: 'file' });
    this.perLayerDirs[layer].add(entry.path, entry.size);
  }

  reachable(copy: Copy, owner: Owner): void {
    const size = copy.entry.size;
    this.layers[copy.layer].survives += size;
    this.folders.add(owner.path, size);
    this.finalFiles.push({ path: owner.path, size, layer: copy.layer, type: 'file' });
    this.treeFiles.add(owner, size);
  }

  ended(copy: Copy): void {
    const size = copy.entry.size;
    this.layers[copy.layer].removedLater += size;
    this.layers[copy.endedIn ?? copy.layer].contribution -= size;
  }

  report(facts: readonly LayerFacts[], history: readonly HistoryStep[], baseLayers: number): SizeReport {
    const limits = this.limits;
    const layers: LayerSize[] = facts.map((f, index) => {
      const step = history.findIndex((h) => h.layer === index);
      return {
        index,
        stored: f.size,
        uncompressed: f.uncompressedSize,
        ...this.layers[index],
        biggestFiles: this.perLayerFiles[index].result(),
        biggestDirs: this.perLayerDirs[index].biggest(limits.biggestPerLayer),
        historyStep: step < 0 ? null : step,
        createdBy: step < 0 ? null : history[step].createdBy,
        fromBase: index < baseLayers,
      };
    });
    return {
      stored: facts.reduce((s, f) => s + f.size, 0),
      uncompressed: facts.reduce((s, f) => s + f.uncompressedSize, 0),
      shipped: layers.reduce((s, l) => s + l.content, 0),
      final: this.folders.get('').size,
      layers,
      biggestFiles: this.finalFiles.result(),
      biggestDirs: this.folders.biggest(limits.biggest),
      tree: sizeTree(this.folders, this.treeFiles, limits),
    };
  }
}
