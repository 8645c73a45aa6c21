/**
 * The data model of a comparison of two images (or of one image at two layers). Plain data, so
 * the CLI prints it as JSON as is and a server can page it.
 */
import type { EntryType } from '../types.js';

/**
 * One entry of a merged filesystem as a comparison sees it. A hard link is folded into the file
 * it shares an inode with (type `file`, that file's bytes and attributes): which name of a pair
 * a tar writer stores as the link depends on walk order, not on the image, and a running
 * container cannot tell them apart either.
 */
export interface CompareNode {
  /** Normalised path, no leading slash (the root is not an entry). */
  path: string;
  /** Never `hardlink` (see above). */
  type: EntryType;
  /** Permission bits with setuid/setgid/sticky. */
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Content bytes of a file; 0 for everything else. */
  size: number;
  /** `sha256:<hex>` of a file's bytes; null for everything else. */
  digest: string | null;
  /** A symlink's target, verbatim; null for everything else. */
  linkTarget: string | null;
  /** `major,minor` of a character or block device; null for everything else. */
  device: string | null;
  /** xattr name → base64 value, or null when there are none. */
  xattrs: Record<string, string> | null;
  /**
   * The layer whose entry this is (for a hard link, the link's own layer: that layer's entries
   * resolve the link when it points within the layer, as a tar writer stores it).
   */
  layer: number;
}

/** What differs between the two versions of a path that exists on both sides. */
export type ChangedField = 'content' | 'linkTarget' | 'device' | 'mode' | 'uid' | 'gid' | 'mtime' | 'xattrs';

/** The fields that are the entry's content: when one differs the change is `modified`. */
export const CONTENT_FIELDS: readonly ChangedField[] = ['content', 'linkTarget', 'device'];
/** The fields that are only attributes: when only these differ the change is `metadata`. */
export const METADATA_FIELDS = ['mode', 'uid', 'gid', 'mtime', 'xattrs'] as const;
export type MetadataField = (typeof METADATA_FIELDS)[number];

/**
 * - `added`: only on side B; `removed`: only on side A;
 * - `type`: a different kind of entry (a file replaced by a folder, a symlink by a file…);
 * - `modified`: same kind, different content — a file's bytes by digest (never by size), a
 *   symlink's target, a device's numbers; attributes may differ too (see `fields`);
 * - `metadata`: same content, only attributes differ (see `fields`).
 */
export type ChangeKind = 'added' | 'removed' | 'modified' | 'type' | 'metadata';

/** One changed path. */
export interface PathChange {
  path: string;
  change: ChangeKind;
  /** For `modified` and `metadata`: every field that differs; empty otherwise. */
  fields: ChangedField[];
  /** A `metadata` change of the mtime alone (hidden unless asked for: rebuilds touch every mtime). */
  mtimeOnly: boolean;
  a: CompareNode | null;
  b: CompareNode | null;
}

/** What changed below a folder (its own change, if any, is not counted). */
export interface FolderChanges {
  path: string;
  changesBelow: number;
  /** Bytes of side A's files among the changes below (what B no longer has as it was). */
  bytesBelowA: number;
  /** Bytes of side B's files among the changes below. */
  bytesBelowB: number;
}

export interface FsDiffSummary {
  /** Entries and file bytes of each side (below the compared path). */
  entries: { a: number; b: number };
  bytes: { a: number; b: number };
  added: { count: number; bytes: number };
  removed: { count: number; bytes: number };
  modified: { count: number; bytesA: number; bytesB: number; content: number; linkTarget: number; device: number };
  type: { count: number; bytesA: number; bytesB: number };
  /** Attribute-only changes other than mtime-only ones, and how many of them changed each field. */
  metadata: { count: number } & Record<MetadataField, number>;
  /** Paths whose only difference is the mtime (counted whether or not they are shown). */
  mtimeOnly: { count: number };
  /** Bytes of B's files that A does not have as they are (added, modified, type changed). */
  bytesAdded: number;
  /** Bytes of A's files that B does not have as they are (removed, modified, type changed). */
  bytesRemoved: number;
  /** bytes.b − bytes.a (= bytesAdded − bytesRemoved: unchanged and metadata-only files weigh the same). */
  net: number;
}

/** How the two layer stacks line up, by diff_id. */
export interface LayerAlignment {
  /** Layers 0..shared−1 are the same on both sides. */
  shared: number;
  /** Each side's layers after the shared ones. */
  onlyA: LayerRef[];
  onlyB: LayerRef[];
  /** "layers 0–4 identical, then A has 3 layers, B has 2". */
  text: string;
}

export interface LayerRef {
  index: number;
  diffId: string;
  /** Uncompressed size of the layer tar, when known. */
  size: number | null;
}

/** The config fields a comparison looks at. */
export type ConfigField = 'Env' | 'Entrypoint' | 'Cmd' | 'WorkingDir' | 'User' | 'ExposedPorts' | 'Volumes' | 'Labels' | 'platform';

/**
 * One difference of the configs. `key` names the variable (Env), label (Labels), port
 * (ExposedPorts) or volume (Volumes) for the fields that are sets or maps, else null. `a`/`b`
 * are the values on each side (null: absent on that side).
 */
export interface ConfigChange {
  field: ConfigField;
  key: string | null;
  a: string | string[] | null;
  b: string | string[] | null;
}

/** One row of the two histories aligned step by step. */
export interface HistoryRow {
  /**
   * `same`: the same step on both sides (command, comment, empty or not, and for a layer step
   * the same layer diff_id; creation times may differ); `changed`: two steps at the same place
   * that differ; `onlyA`/`onlyB`: a step one side has and the other has not.
   */
  status: 'same' | 'changed' | 'onlyA' | 'onlyB';
  a: HistoryStepRef | null;
  b: HistoryStepRef | null;
}

export interface HistoryStepRef {
  /** Position in its side's history. */
  index: number;
  createdBy: string | null;
  created: string | null;
  comment: string | null;
  emptyLayer: boolean;
  /** The layer the step made, or null. */
  layer: number | null;
  diffId: string | null;
}
