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
  /** The id of this platform's image when it is stored (uploaded with `?platform=`), else null. */
  imageId?: string | null;
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
  /** sha256 of the uploaded archive. */
  archiveDigest?: string;
  /** Number of entries in the merged filesystem. */
  fileCount?: number;
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
  /** 'none' | 'gzip' | 'zstd', as stored in the archive. */
  compression?: string;
  /** Where the layer blob sits in the archive. */
  archivePath?: string;
}

export interface HistoryStep {
  created: string | null;
  createdBy: string | null;
  comment: string | null;
  emptyLayer: boolean;
  /** Index of the layer this step made, or null. */
  layer: number | null;
  author?: string | null;
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
  archiveDigest?: string;
  archiveSize?: number;
  /** 'none' | 'gzip' | 'zstd': how the uploaded archive itself was compressed. */
  outerCompression?: string;
  fileCount?: number;
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
  uname?: string;
  gname?: string;
  devMajor?: number;
  devMinor?: number;
  /** `SCHILY.xattr.*` records: name → base64 value. */
  xattrs?: Record<string, string> | null;
  /** A directory no layer declared (it exists because something below it does). */
  implicit?: boolean;
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

/** `GET /api/health` */
export interface HealthResponse {
  ok: true;
}

/**
 * Percent-encodes a path (or any string the API returned) for a query parameter, byte by byte.
 * Names that are not valid UTF-8 come back from the API with each raw byte as a lone surrogate
 * U+DC80..U+DCFF; `encodeURIComponent` and URLSearchParams cannot carry those, this can:
 * `/api/images/${id}/content?path=${encodePathParam(entry.path)}`.
 */
export function encodePathParam(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff) {
      out += `%${(c - 0xdc00).toString(16).toUpperCase()}`;
    } else if (c >= 0xd800 && c <= 0xdbff && (path.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += encodeURIComponent(path.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += '%EF%BF%BD';
    } else {
      out += encodeURIComponent(path[i]);
    }
  }
  return out;
}
