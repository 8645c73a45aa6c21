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

/** `GET /api/images/:id/fs` items (paged with `paged=1`: see FsPage). */
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
  /**
   * Directories of the merged view (not with draft=1 or asOf=N): bytes of file content below it at any
   * depth, hard links counted with their target's size. With paged=1&sort=size, folders are
   * ordered by it.
   */
  bytesBelow?: number;
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
  /**
   * With `draft=1`: the draft made or changed this entry; its `layer` is then the image's layer
   * count (the layer an append export adds). With `draft=1&deleted=1`, entries the draft
   * deletes are listed with `deletedBy` = that layer and `edited: true`.
   */
  edited?: boolean;
}

export type ChangeKind = 'added' | 'modified' | 'deleted';

/** `GET /api/images/:id/layers/:n/changes` items (paged with `paged=1`: see ChangesPage). */
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
  /**
   * `code` is stable (see the engine's EngineErrorCode for ingest errors); `message` is said in
   * plain words; `detail`, when present, is the technical account behind it (a tar offset, a
   * decompressor's words), for a bug report or a closer look.
   */
  error: { code: string; message: string; detail?: string };
}

/** `GET /api/health` */
export interface HealthResponse {
  ok: true;
}

// ---- Drafts and export (issue 5) ----------------------------------------------------------
//
// A draft holds an image's pending edits; it is persisted and every edit replies with the
// whole DraftState. Routes (all under /api/images/:id):
//   GET    draft                         the DraftState (an image without edits has an empty one)
//   DELETE draft                         discard everything (ops, config patch, tag)
//   PUT    draft/content?path=P[&mode=420&uid=0&gid=0]    raw body = the file's new bytes (mode: a number, as in JSON: 420 = 0o644)
//   DELETE draft/content?path=P          delete a file or a folder (a deleted secret: purge)
//   POST   draft/ops                     JSON DraftOpRequest (mkdir, symlink, rename, chmod, chown, delete)
//   PATCH  draft/config                  JSON: keys of the config's `config` object, merged; null removes
//   DELETE draft/config                  discard the config patch
//   PUT    draft/tag                     JSON DraftTagRequest
//   DELETE draft/changes/:index          discard one change (409 when a later change needs it)
//   DELETE draft/changes?path=P          discard every change made to P
//   POST   draft/undo                    discard the last change
//   GET    fs?path=P&draft=1             the folder as the draft leaves it (edited entries marked)
//   GET    content?path=P&draft=1        the draft's bytes of a file

/**
 * Edits `POST /api/images/:id/draft/ops` takes (file bytes go through `PUT …/draft/content`).
 * Paths are absolute; `mode` is the permission bits as a number (0o755 = 493). Symlinks in the
 * parent folders are followed inside the edited filesystem, the way the kernel would, so an op
 * always names a real folder; chmod and chown also follow a final symlink.
 */
export type DraftOpRequest =
  | { op: 'mkdir'; path: string; mode?: number; uid?: number; gid?: number }
  | { op: 'symlink'; path: string; target: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'chmod'; path: string; mode: number }
  | { op: 'chown'; path: string; uid: number; gid: number }
  /** fromEveryLayer: meant to leave every layer (a secret), not only the final filesystem: exports then default to rewrite. */
  | { op: 'delete'; path: string; fromEveryLayer?: boolean };

export type DraftOpName = 'write' | 'delete' | 'mkdir' | 'symlink' | 'rename' | 'chmod' | 'chown';

/** One pending change of a draft, in the order it was made (`GET /api/images/:id/draft` → `ops`). */
export interface DraftOpItem {
  /** Position in the list, 0 first. `DELETE /api/images/:id/draft/changes/:index` discards it. */
  index: number;
  op: DraftOpName;
  /** The path the change is about (for rename: the new path). */
  path: string;
  /** rename: the old path. */
  from?: string;
  /** What it did to `path` when it was made ('moved' for rename). */
  kind: ChangeKind | 'moved';
  /** The entry's type after the change (for delete: before it). */
  type: EntryType;
  /** Bytes of file content it added to the filesystem (negative when it removed some). */
  sizeDelta: number;
  /** write: size of the new content. */
  size?: number;
  /** delete: asked to leave every layer (Findings' "Remove from all layers"); only rewrite and flatten ship without its bytes. */
  fromEveryLayer?: boolean;
  mode?: number;
  uid?: number;
  gid?: number;
  /** symlink: its target. */
  target?: string;
  /** delete of a path only lower layers still hold (a deleted secret): only the rewrite export removes it. */
  purgeOnly?: boolean;
  /** ISO time the change was made. */
  createdAt: string;
}

/** Net effect of a draft on one path (several changes of one path count once). */
export interface DraftPathChange {
  path: string;
  kind: ChangeKind;
  type: EntryType;
  sizeDelta: number;
  purgeOnly?: boolean;
  /** Deleted by a delete asked to leave every layer (or below a folder so deleted): append would still ship its bytes. */
  fromEveryLayer?: boolean;
  /** A folder moved here: this one change carries everything under it (and its bytes in sizeDelta). */
  tree?: boolean;
  /** What the image held at this path is gone whole — a folder deleted and made again, or a file a folder replaced: rewrite strips it from every layer. */
  replacesTree?: boolean;
}

/** One key of the image config's `config` object the draft changes. */
export interface DraftConfigChange {
  key: string;
  /** The image's value (null: not set). */
  before: unknown;
  /** The value after the draft (null: removed). */
  after: unknown;
}

/** `GET /api/images/:id/draft`, and the reply of every draft edit. */
export interface DraftState {
  imageId: string;
  /** Pending file changes in the order they were made; undo discards the last one. */
  ops: DraftOpItem[];
  /** What the ops do to the filesystem, one item per path, sorted by path. */
  changes: DraftPathChange[];
  /** The config patch as sent (`PATCH …/draft/config`): keys of the image config's `config`; null removes one. */
  config: Record<string, unknown>;
  /** The image config's `config` object with the patch applied: what an export writes. */
  resultConfig: Record<string, unknown>;
  configChanges: DraftConfigChange[];
  /** name:tag of the result (`PUT …/draft/tag`), or null for the default. */
  tag: string | null;
  /**
   * The tag an export writes when none is given: `tag`, else `<repository>:edited` of the name the
   * image was opened from Docker by (else of its first tag; `:edited-2` when that is already
   * `:edited`), else `peel/<id>:edited`. Never the original's own name, so a load keeps it.
   */
  resultTag: string;
  /** Bytes of file content in the filesystem before and after the draft (uncompressed). */
  size: { before: number; after: number };
  /** Nothing is pending (no op, no config change, no tag). */
  empty: boolean;
  /** ISO time of the last edit, or null for an empty draft. */
  updatedAt: string | null;
}

/** `PUT /api/images/:id/draft/tag` body. */
export interface DraftTagRequest {
  /** e.g. `alpyne:latest`; null returns to the default. */
  tag: string | null;
}

/**
 * `GET /api/images/:id/export?mode=…&tag=…&compression=gzip|none` streams the archive;
 * `POST /api/images/:id/export/save?mode=…&tag=…` stores it as a new image (201, ImageSummary).
 * Without `tag`, the result is named the draft's `resultTag` (`repo:edited`, never the original's name).
 * - append: original layers byte-identical, one new layer with the changes (deleted bytes stay in lower layers);
 * - flatten: one layer with the final filesystem, one history entry (deleted bytes are gone);
 * - rewrite: every layer rewritten without the deleted paths, unchanged layers keep their digests.
 */
export type ExportMode = 'append' | 'flatten' | 'rewrite';
export type ExportCompression = 'gzip' | 'none';

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

export * from './docker.js';
export * from './paging.js';

// ---- Findings (issue 8) ---------------------------------------------------------------------
//
// `GET /api/images/:id/findings`: sizes, waste and baked-in secrets of one image. Computed on
// the first request and cached (the image never changes, so neither does the answer).

/** A file or folder with its size. */
export interface SizedPath {
  path: string;
  size: number;
  /** The layer that wrote the file; null for folders. */
  layer: number | null;
  type: 'file' | 'dir';
  /** Files under a folder. */
  files?: number;
}

/** A node of the size tree of the final filesystem; `other` gathers the small entries of a folder. */
export interface SizeTreeNode {
  name: string;
  path: string;
  size: number;
  files: number;
  type: 'file' | 'dir' | 'other';
  layer: number | null;
  children?: SizeTreeNode[];
}

export interface LayerSizeInfo {
  index: number;
  /** Bytes of the blob as stored. */
  stored: number;
  /** Bytes of the uncompressed tar. */
  uncompressed: number;
  /** Sum of the layer's file sizes. */
  content: number;
  files: number;
  /** Bytes the layer added to the filesystem minus the bytes it deleted or overwrote (can be negative). */
  contribution: number;
  /** Bytes of this layer still in the final filesystem. */
  survives: number;
  /** Bytes of this layer a later layer deleted or overwrote. */
  removedLater: number;
  biggestFiles: SizedPath[];
  biggestDirs: SizedPath[];
  historyStep: number | null;
  createdBy: string | null;
  /** The layer came from the base image (see FindingsResponse.base). */
  fromBase: boolean;
}

export interface SizeFindings {
  stored: number;
  uncompressed: number;
  /** Sum of every file copy in every layer. */
  shipped: number;
  /** Bytes of the final filesystem (hard links counted once). */
  final: number;
  layers: LayerSizeInfo[];
  biggestFiles: SizedPath[];
  biggestDirs: SizedPath[];
  tree: SizeTreeNode;
}

export type WasteItem =
  | {
      kind: 'removed';
      /** Absolute path. */
      path: string;
      bytes: number;
      copies: Array<{ layer: number; size: number; digest: string | null; removedIn: number; how: 'deleted' | 'overwritten' }>;
      /** The copy in the final filesystem, or null when the path is gone. */
      survivor: { layer: number; size: number } | null;
    }
  | {
      kind: 'duplicate';
      digest: string;
      size: number;
      bytes: number;
      copies: Array<{ path: string; layer: number }>;
    };

export interface WasteFindings {
  /** Reclaimable bytes: shipped − unique. */
  bytes: number;
  shipped: number;
  /** Sum of the distinct file contents (by sha256) of the final filesystem. */
  unique: number;
  removed: number;
  duplicate: number;
  /** unique ÷ shipped (1 when nothing ships). */
  efficiency: number;
  /** The definition, in words. */
  formula: string;
  items: WasteItem[];
  itemCount: number;
}

export type SecretKind =
  | 'private-key' | 'aws-access-key' | 'aws-secret-key' | 'gcp-service-account' | 'google-api-key' | 'github-token'
  | 'gitlab-token' | 'slack-token' | 'slack-webhook' | 'stripe-key' | 'npm-token' | 'registry-auth' | 'netrc-password'
  | 'url-credentials' | 'dotenv' | 'secret-assignment';

export interface SecretFinding {
  id: string;
  kind: SecretKind;
  title: string;
  /** Where it was found: a file of a layer, or the config's Env, Labels, Cmd/Entrypoint, history. */
  source: 'file' | 'env' | 'label' | 'cmd' | 'history';
  /** Absolute file path (source 'file'), the Env/label name, or null. */
  path: string | null;
  /** The layer that ships the bytes (files), or that the history step made. */
  layer: number | null;
  /** 1-based line in the file (Env: entry; history: step). */
  line: number | null;
  /** The layer that deleted or overwrote this copy; null while it is in the final filesystem (or config). */
  deletedIn: number | null;
  status: 'present' | 'deleted' | 'overwritten' | 'config';
  name: string | null;
  /** The line, value masked. */
  preview: string;
  historyStep: number | null;
  createdBy: string | null;
  fromBase: boolean;
  /** What to do, in words. */
  fix: string;
}

export interface BaseImageInfo {
  /** Layers [0, baseLayers) came from the base image. */
  baseLayers: number;
  lastBaseStep: number | null;
  rule: 'from-comment' | 'first-cmd' | 'none';
  /** The heuristic, stated for people. */
  explanation: string;
}

export interface FindingsScanInfo {
  filesConsidered: number;
  filesScanned: number;
  bytesRead: number;
  skippedBinary: number;
  skippedLarge: number;
  truncated: number;
  /** Time the analysis took when it ran. */
  millis: number;
}

/** `GET /api/images/:id/findings` */
export interface FindingsResponse {
  imageId: string;
  secrets: SecretFinding[];
  waste: WasteFindings;
  sizes: SizeFindings;
  base: BaseImageInfo;
  scan: FindingsScanInfo;
  /** ISO time the findings were computed (then cached). */
  computedAt: string;
}
