import type { HistoryStep, ImageConfig, LayerEntry } from '../types.js';
import type { BlobStore } from '../store/blob-store.js';
import { MergedFs } from '../fs/merge.js';
import { guessBaseImage } from './base-image.js';
import { CopyLedger } from './copies.js';
import { findSecrets } from './secrets/find-secrets.js';
import { measureSizes, type LayerFacts } from './sizes.js';
import type { Findings, ScanStats } from './types.js';
import { measureWaste } from './waste.js';

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
}

export interface AnalyzeInput {
  /** Each layer's entries in tar order, base layer first (as the engine indexed them). */
  layers: ReadonlyArray<readonly LayerEntry[]>;
  /** Per layer: stored size, uncompressed size and the store key of its uncompressed tar. */
  layerFacts: ReadonlyArray<LayerFacts & { tarBlob: string }>;
  history: readonly HistoryStep[];
  config: ImageConfig;
  /** Where the layer tars are, to read candidate files. */
  store: BlobStore;
  /** The merged filesystem of `layers`, when the caller has it already. */
  fs?: MergedFs;
  options?: AnalyzeOptions;
}

/**
 * Why the image is as big as it is, what it ships for nothing, and which secrets are baked in
 * (deleted ones included). Reads only candidate files for secrets, so its cost follows the
 * number of configuration-like files, not the image's size.
 */
export async function analyzeImage(input: AnalyzeInput): Promise<Findings> {
  const started = performance.now();
  const o = input.options ?? {};
  const fs = input.fs ?? (await mergeYielding(input.layers));
  const ledger = new CopyLedger(input.layers, fs);
  const base = guessBaseImage(input.history);
  await turn();
  const sizes = measureSizes(ledger, fs, input.layerFacts, input.history, base.baseLayers, {
    biggest: 25,
    biggestPerLayer: 10,
    treeMaxChildren: 30,
    treeMaxDepth: 8,
    treeMinShare: 0.002,
  });
  await turn();
  const waste = measureWaste(ledger, fs, o.maxWasteItems ?? 200);
  const scan: ScanStats = { filesConsidered: 0, filesScanned: 0, bytesRead: 0, skippedBinary: 0, skippedLarge: 0, truncated: 0, millis: 0 };
  const secrets = await findSecrets({
    ledger,
    tarBlobs: input.layerFacts.map((l) => l.tarBlob),
    store: input.store,
    config: input.config,
    history: input.history,
    baseLayers: base.baseLayers,
    limits: { maxTextBytes: o.maxTextBytes ?? 256 * 1024, maxReadBytes: o.maxReadBytes ?? 4 * 1024 * 1024, maxLine: 16 * 1024, concurrency: o.concurrency ?? 8, signal: o.signal },
    stats: scan,
  });
  scan.millis = Math.round(performance.now() - started);
  return { sizes, waste, secrets, base, scan };
}

/** Lets other work of the process run (a server answers its requests) between long steps. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** mergeLayers, one layer per turn of the event loop. */
async function mergeYielding(layers: ReadonlyArray<readonly LayerEntry[]>): Promise<MergedFs> {
  const fs = new MergedFs();
  for (const entries of layers) {
    fs.applyLayer(entries);
    await turn();
  }
  return fs;
}
