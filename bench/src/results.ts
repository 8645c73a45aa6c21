import type { GeneratedImage } from './gen/generate.js';
import type { ApiStat } from './measure/api.js';
import type { DraftMoveResult } from './measure/draft-move.js';
import type { ExportKind, PigzStat } from './measure/export.js';

/** One measured quantity over several runs. */
export interface Series {
  ms: number[];
  peakMiB: number[];
}

export type IngestTool = 'peel' | 'engine' | 'floor' | 'skopeo' | 'umoci' | 'tar';

export interface LayoutResult {
  layout: 'legacy' | 'oci';
  archiveBytes: number;
  ingest: Partial<Record<IngestTool, Series>>;
  /** Idle server RSS before each upload, MiB. */
  serverIdleMiB: number[];
}

export interface ImageResult {
  kind: GeneratedImage['kind'];
  at: string;
  quick: boolean;
  runs: number;
  /** 1-minute load averages seen during the image's measurements. */
  load: number[];
  image: Omit<GeneratedImage, 'legacy' | 'oci'>;
  layouts: LayoutResult[];
  api: ApiStat[] | null;
  /** A draft that moved the folder holding the widest folder (absent in runs before it was measured). */
  draftMove?: DraftMoveResult | null;
  exports: Array<{ kind: ExportKind; ms: number[]; headersMs?: number[]; bytes: number }> | null;
  /** How the exports were made: through the server's draft + export routes. */
  exportVia: string;
  cp: number[] | null;
  /** The archive downloaded from a bare node:http file server by the same client (ms). */
  httpFloor?: number[] | null;
  gnuTar: { plain: number[]; gzip: number[] } | null;
  /** Flatten with gzip and `tar -I pigz -cf` of the merged rootfs, interleaved (absent in runs before it was measured). */
  pigz?: PigzStat | null;
  browser: { dropToInteractiveMs: number[]; wideDirPaintedMs: number[]; wideDirEndMs?: number[]; wideDirEntries: number } | null;
}
