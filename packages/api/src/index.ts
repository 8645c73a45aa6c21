/**
 * The HTTP API contract of Peel (issue 3 and later). The server implements it, the web UI
 * consumes it; neither imports the other. Keep it stable: extend, never break.
 *
 * All paths inside images are absolute (`/etc/os-release`). Layers are numbered from 0 (the base
 * layer) in the order they apply. Errors are `ApiError` with a 4xx/5xx status.
 */

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'whiteout' | 'opaque';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface PlatformChoice {
  platform: Platform;
  manifestDigest: string | null;
  available: boolean;
  tags: string[];
}

/** `GET /api/images` items, and the reply of `POST /api/images`. */
export interface ImageSummary {
  id: string;
  name: string;
  tags: string[];
  /** 'docker-legacy' | 'docker-oci' | 'oci' */
  format: string;
  platform: Platform;
  /** Sum of stored layer sizes plus config, bytes. */
  size: number;
  layerCount: number;
  /** ISO time the image was added to Peel. */
  createdAt: string;
}

export interface LayerInfo {
  index: number;
  digest: string;
  diffId: string;
  mediaType: string;
  size: number;
  uncompressedSize: number;
  entryCount: number;
  /** Sum of file sizes (what `docker history` calls SIZE). */
  contentSize: number;
  /** The history step that made this layer (index into `history`), or null. */
  history: number | null;
}

export interface HistoryStep {
  created: string | null;
  createdBy: string | null;
  comment: string | null;
  emptyLayer: boolean;
  /** Index of the layer this step made, or null. */
  layer: number | null;
}

export interface Problem {
  code: string;
  message: string;
  severity: 'error' | 'warning' | 'info';
  layer?: number;
  path?: string;
}

/** `GET /api/images/:id` */
export interface ImageDetail {
  id: string;
  name: string;
  format: string;
  tags: string[];
  platform: Platform;
  platforms: PlatformChoice[];
  manifestDigest: string | null;
  configDigest: string;
  /** The parsed image config JSON, as stored. */
  config: Record<string, unknown>;
  layers: LayerInfo[];
  history: HistoryStep[];
  problems: Problem[];
  size: number;
  createdAt: string;
}

/** `GET /api/images/:id/archive` items. */
export interface ArchiveEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  size: number;
  /** 'manifest.json' | 'index.json' | 'oci-layout' | 'repositories' | 'index' | 'manifest' | 'config' | 'layer' | 'attestation' | 'legacy-json' | 'version' | 'directory' | 'other' | 'unknown' */
  role: string;
  digest: string | null;
  linkTarget: string | null;
  /** Human label, e.g. "layer 3". */
  label: string | null;
  /** For layers: the layer index. */
  layer?: number;
  mediaType: string | null;
}

/** `GET /api/images/:id/fs` items. */
export interface FsEntry {
  name: string;
  /** Absolute path. */
  path: string;
  type: EntryType;
  /** Permission bits incl. setuid/setgid/sticky. */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkTarget: string | null;
  /** The layer that provided this entry. */
  layer: number;
  /** Number of children, for directories (merged view). */
  childCount?: number;
  /** With `deleted=1`: the entry is not in the final filesystem. */
  deletedBy?: number;
  overwrittenBy?: number;
  digest?: string | null;
}

export type ChangeKind = 'added' | 'modified' | 'deleted';

/** `GET /api/images/:id/layers/:n/changes` items. */
export interface LayerChange {
  path: string;
  change: ChangeKind;
  type: EntryType;
  size: number;
  /** The layer that held the previous version (modified, deleted), else null. */
  previousLayer: number | null;
  /** For modified: only metadata (mode, owner, mtime…) changed, not the content. */
  metadataOnly: boolean;
  previousSize?: number | null;
}

/** `GET /api/images/:id/search` */
export interface SearchResult {
  items: Array<FsEntry & { deleted: boolean }>;
  total: number;
  offset: number;
  limit: number;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}
