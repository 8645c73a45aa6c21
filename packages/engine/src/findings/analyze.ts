import type { HistoryStep, ImageConfig } from '../types.js';
import type { BlobStore } from '../store/blob-store.js';
import { guessBaseImage } from './base-image.js';
import { traceCopies, type Copy, type CopySink, type FindingsLayer } from './copies.js';
import { classifyPath } from './secrets/names.js';
import { findSecrets } from './secrets/find-secrets.js';
import { SizeTally, type LayerFacts } from './sizes.js';
import type { Findings, ScanStats, WasteReport } from './types.js';
import { WasteTally } from './waste.js';

export interface AnalyzeOptions {
  /**
   * Text files larger than this are not read for secrets (default 256 KiB): configuration and
   * hand-written code sit well below it; above it are mostly generated files, and reading them
   * would make the scan cost follow the image's size.
   */
  maxTextBytes?: number;
  /** At most this many bytes of any one file are read (default 4 MiB). */
  maxReadBytes?: number;
  /** Files read at once (default 8). */
  concurrency?: number;
  /** Waste items kept, largest first (default 200). */
  maxWasteItems?: number;
  signal?: AbortSignal;
  /** Where the layers' entries are sorted on disk while the copies are traced (the system's temp folder by default). */
  tempRoot?: string;
  /** Rows per sorted run on disk (smaller only in tests, to make many). */
  runRows?: number;
}

export interface AnalyzeInput {
  /** Each layer's entries in tar order, base layer first (as the engine indexed them); read twice or more. */
  layers: readonly FindingsLayer[];
  /** Per layer: stored size, uncompressed size and the store key of its uncompressed tar. */
  layerFacts: ReadonlyArray<LayerFacts & { tarBlob: string }>;
  history: readonly HistoryStep[];
  config: ImageConfig;
  /** Where the layer tars are, to read candidate files. */
  store: BlobStore;
  options?: AnalyzeOptions;
}

/**
 * Why the image is as big as it is, what it ships for nothing, and which secrets are baked in
 * (deleted ones included). Every copy's fate is traced out of core (copies.ts), so memory does
 * not follow the number of files; reads only candidate files for secrets, so its cost follows
 * the number of configuration-like files, not the image's size.
 */
export async function analyzeImage(input: AnalyzeInput): Promise<Findings> {
  const started = performance.now();
  const o = input.options ?? {};
  const base = guessBaseImage(input.history);
  const sizes = new SizeTally(input.layerFacts.length, { biggest: 25, biggestPerLayer: 10, treeMaxChildren: 30, treeMaxDepth: 8, treeMinShare: 0.002 });
  const waste = new WasteTally({ maxItems: o.maxWasteItems ?? 200, tempRoot: o.tempRoot, chunkRows: o.runRows });
  // Files that may hold a secret (chosen by path), with their fates as they are learnt.
  const candidates = new Map<string, Copy>();
  const learnt = (c: Copy) => {
    const known = candidates.get(`${c.layer}/${c.seq}`);
    if (known) Object.assign(known, { endedIn: c.endedIn, removedIn: c.removedIn, how: c.how });
  };
  const sink: CopySink = {
    wrote(entry, layer, seq) {
      sizes.wrote(entry, layer);
      waste.wrote(entry);
      if (entry.size > 0 && classifyPath(entry.path)) candidates.set(`${layer}/${seq}`, { entry, layer, seq, endedIn: null, removedIn: null, how: null });
    },
    reachable(copy, owner) {
      sizes.reachable(copy, owner);
      waste.reachable(copy, owner);
      learnt(copy);
    },
    ended(copy) {
      sizes.ended(copy);
      waste.ended(copy);
      learnt(copy);
    },
    survivor: (path, node) => waste.survivor(path, node),
  };
  let wasteReport: WasteReport;
  try {
    await traceCopies(input.layers, sink, { tempRoot: o.tempRoot, chunkRecords: o.runRows });
    o.signal?.throwIfAborted();
    wasteReport = await waste.report();
  } finally {
    waste.dispose();
  }
  const sizeReport = sizes.report(input.layerFacts, input.history, base.baseLayers);
  const scan: ScanStats = { filesConsidered: 0, filesScanned: 0, bytesRead: 0, skippedBinary: 0, skippedLarge: 0, truncated: 0, millis: 0 };
  const secrets = await findSecrets({
    copies: [...candidates.values()],
    tarBlobs: input.layerFacts.map((l) => l.tarBlob),
    store: input.store,
    config: input.config,
    history: input.history,
    baseLayers: base.baseLayers,
    limits: { maxTextBytes: o.maxTextBytes ?? 256 * 1024, maxReadBytes: o.maxReadBytes ?? 4 * 1024 * 1024, maxLine: 16 * 1024, concurrency: o.concurrency ?? 8, signal: o.signal },
    stats: scan,
  });
  scan.millis = Math.round(performance.now() - started);
  return { sizes: sizeReport, waste: wasteReport, secrets, base, scan };
}
