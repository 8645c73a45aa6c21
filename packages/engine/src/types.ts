/**
 * The engine's data model. Everything here is plain data (JSON-friendly except where noted)
 * so that callers can persist it without knowing how it was read.
 *
 * Conventions:
 * - Paths inside an image are relative to the root, normalised the way Docker does
 *   (`./` and `/` stripped, `..` clamped at the root), never empty: the root itself is not an entry.
 *   Names that are not valid UTF-8 are decoded losslessly (see tar/names.ts).
 * - Layers are numbered from 0 (the base layer) in the order they apply.
 * - Digests are `sha256:<hex>`.
 */
import type { SortedRuns } from './fs/sorted-runs.js';

/** The kind of a filesystem entry, as the API shows it. */
export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** A layer's own entry kinds: the filesystem kinds plus the two whiteout markers. */
export type LayerEntryType = EntryType | 'whiteout' | 'opaque';

/** One entry of a layer tar, after name normalisation and whiteout decoding. */
export interface LayerEntry {
  /** Normalised path. For a `whiteout` it is the path the whiteout deletes; for an `opaque` marker, the directory it makes opaque. */
  path: string;
  type: LayerEntryType;
  /** Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000). */
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Content size in bytes for files; 0 for everything else. */
  size: number;
  /** Modification time, seconds since the epoch (may be fractional, from PAX). */
  mtime: number;
  /** Symlink target verbatim, or the normalised hard-link target path; null otherwise. */
  linkTarget: string | null;
  devMajor: number;
  devMinor: number;
  /** `SCHILY.xattr.*` records: name → value as base64 (values are binary, e.g. security.capability). */
  xattrs: Record<string, string> | null;
  /** Byte offset of the entry's content in the uncompressed layer tar. */
  dataOffset: number;
  /** Byte offset of the entry's first header block (PAX/GNU extension headers included). */
  headerOffset: number;
  /** sha256 of the content, for files; null otherwise. */
  digest: string | null;
  /**
   * A sparse file (GNU or PAX sparse tar entry): the regions of the file that hold data, in
   * order. The tar stores these regions back to back from dataOffset; everything else reads as
   * zeros. Absent (or null) for ordinary entries.
   */
  sparse?: DataRegion[] | null;
}

/** A region of a sparse file that holds data: `length` bytes at `offset` of the file. */
export interface DataRegion {
  offset: number;
  length: number;
}

/** A per-path or per-blob oddity, reported as data instead of failing the whole image. */
export interface Problem {
  code: string;
  message: string;
  layer?: number;
  path?: string;
  /** 'error': the image cannot be trusted; 'warning': Docker would refuse or disagree; 'info': notable. */
  severity: 'error' | 'warning' | 'info';
}

export type Compression = 'none' | 'gzip' | 'zstd';

/** What the engine learned of one layer blob while streaming it. */
export interface LayerScan {
  /** sha256 of the bytes as stored. */
  digest: string;
  /** Stored size in bytes. */
  size: number;
  compression: Compression;
  /** sha256 of the whole uncompressed stream (trailing bytes included, as Docker does). */
  diffId: string;
  uncompressedSize: number;
  /** Digest of the blob that holds the uncompressed tar in the store (equal to diffId). */
  tarBlob: string;
  /** Entries in tar order. A later duplicate of a path keeps both records; see problems. Empty when they went to `runs`. */
  entries: LayerEntry[];
  /** The entries sorted in bounded memory (OpenOptions.sortedRuns); the caller disposes of them. Not plain data. */
  runs?: SortedRuns;
  entryCount: number;
  /** Bytes of the layer's regular files. */
  contentSize: number;
  problems: Problem[];
}

/** The role an entry of the outer archive plays. */
export type ArchiveRole =
  | 'manifest.json'
  | 'index.json'
  | 'oci-layout'
  | 'repositories'
  | 'index'
  | 'manifest'
  | 'config'
  | 'layer'
  | 'attestation'
  | 'legacy-json'
  | 'version'
  | 'directory'
  | 'other'
  | 'unknown';

/** One entry of the outer archive (the `docker save` / OCI tar itself). */
export interface ArchiveEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  size: number;
  /** sha256 of the content (files), also its key in the blob store. */
  digest: string | null;
  linkTarget: string | null;
  role: ArchiveRole;
  /** e.g. "layer 3", "config of linux/amd64" */
  label: string | null;
  mediaType: string | null;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface HistoryStep {
  created: string | null;
  createdBy: string | null;
  comment: string | null;
  author: string | null;
  emptyLayer: boolean;
  /** The index of the layer this step made, or null for steps that made none. */
  layer: number | null;
}

export interface ImageLayer {
  index: number;
  /** sha256 of the stored blob. */
  digest: string;
  /** sha256 of the uncompressed tar. */
  diffId: string;
  mediaType: string;
  compression: Compression;
  size: number;
  uncompressedSize: number;
  /** Store key of the uncompressed tar (entries' offsets point into it). */
  tarBlob: string;
  /** Store key of the stored blob as it came in the archive. */
  blob: string;
  /** Path of the layer inside the archive. */
  archivePath: string;
  entryCount: number;
  /** Sum of file sizes in the layer, what `docker history` shows as SIZE. */
  contentSize: number;
}

export type ArchiveFormat = 'docker-legacy' | 'docker-oci' | 'oci' ;

/** One image (one platform) found in an archive, fully resolved and verified. */
export interface ResolvedImage {
  tags: string[];
  platform: Platform;
  manifestDigest: string | null;
  manifestMediaType: string | null;
  configDigest: string;
  /** Config bytes exactly as stored (never re-serialised: the digest is the image ID). */
  configRaw: Buffer;
  config: ImageConfig;
  layers: ImageLayer[];
  history: HistoryStep[];
  problems: Problem[];
}

/** The parts of an OCI/Docker image config the engine reads; unknown keys are kept. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  author?: string;
  config?: ContainerConfig;
  rootfs?: { type: string; diff_ids: string[] };
  history?: Array<{ created?: string; created_by?: string; comment?: string; author?: string; empty_layer?: boolean }>;
  [key: string]: unknown;
}

export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  [key: string]: unknown;
}

/** A platform listed by an index, whether or not its blobs are present. */
export interface PlatformChoice {
  platform: Platform;
  /** Null for images described only by manifest.json. */
  manifestDigest: string | null;
  available: boolean;
  tags: string[];
}
