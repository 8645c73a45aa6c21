/**
 * What `analyzeImage` reports: sizes, waste, baked-in secrets and a guess at the base image.
 * Plain JSON-friendly data, so a caller can cache it as is. Paths are the engine's (relative to
 * the root, no leading `/`); layers are numbered from 0.
 */

/** A file or folder with its size in bytes. */
export interface SizedPath {
  path: string;
  size: number;
  /** The layer that wrote the file (files only; folders hold files of many layers). */
  layer: number | null;
  type: 'file' | 'dir';
  /** Files under a folder (folders only). */
  files?: number;
}

/** One node of the size tree of the final filesystem (for a treemap or sunburst). */
export interface SizeTreeNode {
  name: string;
  path: string;
  size: number;
  files: number;
  type: 'file' | 'dir' | 'other';
  /** The layer that wrote a file; null for folders and the `other` bucket. */
  layer: number | null;
  children?: SizeTreeNode[];
}

export interface LayerSize {
  index: number;
  /** Bytes of the layer blob as stored (compressed or not). */
  stored: number;
  /** Bytes of the uncompressed layer tar. */
  uncompressed: number;
  /** Sum of the sizes of the files this layer holds (what `docker history` shows). */
  content: number;
  files: number;
  /**
   * How much this layer changed the size of the filesystem: the bytes it wrote minus the bytes
   * of lower (or its own) files it deleted or overwrote. Negative for a layer that mostly deletes.
   */
  contribution: number;
  /** Bytes this layer wrote that are still in the final filesystem. */
  survives: number;
  /** Bytes this layer wrote that a later layer (or the layer itself) deleted or overwrote. */
  removedLater: number;
  biggestFiles: SizedPath[];
  biggestDirs: SizedPath[];
  /** The history step that made the layer, and its command. */
  historyStep: number | null;
  createdBy: string | null;
  fromBase: boolean;
}

export interface SizeReport {
  /** Σ stored blob sizes. */
  stored: number;
  /** Σ uncompressed tar sizes. */
  uncompressed: number;
  /** Σ sizes of every file copy in every layer. */
  shipped: number;
  /** Bytes of the final filesystem (each file content once, hard links not counted twice). */
  final: number;
  layers: LayerSize[];
  biggestFiles: SizedPath[];
  biggestDirs: SizedPath[];
  tree: SizeTreeNode;
}

/** A copy of a path that some layer wrote and a later layer deleted or overwrote. */
export interface RemovedCopy {
  layer: number;
  size: number;
  digest: string | null;
  removedIn: number;
  how: 'deleted' | 'overwritten';
}

export type WasteItem =
  | {
      kind: 'removed';
      path: string;
      /** Reclaimable bytes: the sum of the removed copies. */
      bytes: number;
      copies: RemovedCopy[];
      /** The copy in the final filesystem, if the path is still there. */
      survivor: { layer: number; size: number } | null;
    }
  | {
      kind: 'duplicate';
      digest: string;
      /** Size of one copy. */
      size: number;
      /** Reclaimable bytes: (copies − 1) × size. */
      bytes: number;
      copies: Array<{ path: string; layer: number }>;
    };

export interface WasteReport {
  /** Reclaimable bytes = shipped − unique (see WASTE_FORMULA). */
  bytes: number;
  shipped: number;
  unique: number;
  /** Part of `bytes` from copies a later layer deleted or overwrote. */
  removed: number;
  /** Part of `bytes` from identical files that survive more than once. */
  duplicate: number;
  /** unique ÷ shipped, 1 for an image that ships no bytes. */
  efficiency: number;
  formula: string;
  /** The biggest items, largest first (at most `maxWasteItems`). */
  items: WasteItem[];
  itemCount: number;
}

export type SecretKind =
  | 'private-key'
  | 'aws-access-key'
  | 'aws-secret-key'
  | 'gcp-service-account'
  | 'google-api-key'
  | 'github-token'
  | 'gitlab-token'
  | 'slack-token'
  | 'slack-webhook'
  | 'stripe-key'
  | 'npm-token'
  | 'registry-auth'
  | 'netrc-password'
  | 'url-credentials'
  | 'dotenv'
  | 'secret-assignment';

export type SecretSource = 'file' | 'env' | 'label' | 'cmd' | 'history';

/** One secret baked into the image. */
export interface SecretFinding {
  /** Stable across runs: source, path or key, layer, line and kind. */
  id: string;
  kind: SecretKind;
  /** What it is, in words ("Stripe API key", "password in .env"). */
  title: string;
  source: SecretSource;
  /** The file path (source 'file'), or the Env/label name, or null for history. */
  path: string | null;
  /** The layer that ships the bytes (files), or the layer the history step made. */
  layer: number | null;
  /** 1-based line in the file; for Env the 1-based entry; for history the step index + 1. */
  line: number | null;
  /** The layer that deleted or overwrote this copy, or null when it is still in the final filesystem (or in the config). */
  deletedIn: number | null;
  status: 'present' | 'deleted' | 'overwritten' | 'config';
  /** The variable or key name the value was assigned to, when there is one. */
  name: string | null;
  /** The line with the value masked. */
  preview: string;
  /** The history step that added it (index into history), and its command. */
  historyStep: number | null;
  createdBy: string | null;
  fromBase: boolean;
  fix: string;
}

/** Which layers came from the base image, and how that was decided. */
export interface BaseImageGuess {
  /** Layers [0, baseLayers) are the base image's. */
  baseLayers: number;
  /** The last history step counted as the base's. */
  lastBaseStep: number | null;
  rule: 'from-comment' | 'first-cmd' | 'none';
  explanation: string;
}

export interface ScanStats {
  filesConsidered: number;
  filesScanned: number;
  bytesRead: number;
  skippedBinary: number;
  skippedLarge: number;
  truncated: number;
  millis: number;
}

export interface Findings {
  sizes: SizeReport;
  waste: WasteReport;
  secrets: SecretFinding[];
  base: BaseImageGuess;
  scan: ScanStats;
}
