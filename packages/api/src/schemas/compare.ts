import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, bool, int, str } from './base.js';
import { packageEcosystemSchema } from './packages.js';

/**
 * Comparing two sides. A side is a stored image, optionally as of layer N (its layers 0..N
 * merged): image A vs image B, an image vs its base, what layers 5..9 did together (A as of 4
 * vs A as of 9).
 */

/**
 * - `added`: only on side B; `removed`: only on side A;
 * - `type`: a different kind of entry (a file replaced by a folder, a symlink by a file…);
 * - `modified`: same kind, different content (a file's bytes by digest, never by size; a
 *   symlink's target; a device's numbers); attributes may differ too (`fields`);
 * - `metadata`: same content, only attributes differ (`fields`).
 */
export const compareChangeSchema = StringEnum(['added', 'removed', 'modified', 'type', 'metadata']);
export const compareFieldSchema = StringEnum(['content', 'linkTarget', 'device', 'mode', 'uid', 'gid', 'mtime', 'xattrs']);

/** One side's entry at a path. A hard link is shown as the file it shares its bytes with. */
export const compareNodeSchema = Type.Object({
  /** Never `hardlink`, `whiteout` or `opaque`. */
  type: StringEnum(['file', 'dir', 'symlink', 'char', 'block', 'fifo']),
  /** Permission bits with setuid/setgid/sticky. */
  mode: int,
  uid: int,
  gid: int,
  /** Seconds since the epoch. */
  mtime: int,
  /** A file's bytes; 0 for everything else. */
  size: int,
  /** `sha256:<hex>` of a file's bytes, else null. */
  digest: Nullable(str),
  linkTarget: Nullable(str),
  /** `major,minor` of a device, else null. */
  device: Nullable(str),
  /** xattr name → base64 value, or null when there are none. */
  xattrs: Nullable(Type.Record(str, str)),
  /**
   * The layer whose entry this is: its bytes are `GET /api/images/:id/content?path=…&layer=N`
   * of that side's image.
   */
  layer: int,
});

/** One side of a comparison as the request named it. */
export const compareSideSchema = Type.Object({
  id: str,
  name: str,
  tags: Type.Array(str),
  /** The layer the side stops at (`aLayer`/`bLayer`), or null for the whole image. */
  asOfLayer: Nullable(int),
  /**
   * The side is the image as its draft leaves it (`aDraft`/`bDraft`): the whole image with the
   * draft's edits, its config patched, one layer more (the edits, not exported yet).
   */
  draft: bool,
  /** Layers of the image (the side uses layers 0..asOfLayer, or all). */
  layerCount: int,
});

export const compareLayerRefSchema = Type.Object({
  index: int,
  diffId: str,
  /** Uncompressed size of the layer tar, bytes. */
  size: Nullable(int),
});

export const compareFsSummarySchema = Type.Object({
  /** Entries and file bytes of each side. */
  entries: Type.Object({ a: int, b: int }),
  bytes: Type.Object({ a: int, b: int }),
  added: Type.Object({ count: int, bytes: int }),
  removed: Type.Object({ count: int, bytes: int }),
  modified: Type.Object({ count: int, bytesA: int, bytesB: int, content: int, linkTarget: int, device: int }),
  type: Type.Object({ count: int, bytesA: int, bytesB: int }),
  /** Attribute-only changes (mtime-only ones aside), and how many changed each field. */
  metadata: Type.Object({ count: int, mode: int, uid: int, gid: int, mtime: int, xattrs: int }),
  /** Paths whose only difference is the mtime (counted whether or not they are shown). */
  mtimeOnly: Type.Object({ count: int }),
  /** Bytes of B's files A does not have as they are (added, modified, type changed). */
  bytesAdded: int,
  /** Bytes of A's files B does not have as they are (removed, modified, type changed). */
  bytesRemoved: int,
  /** bytes.b − bytes.a. */
  net: int,
});

export const compareConfigChangeSchema = Type.Object({
  field: StringEnum(['Env', 'Entrypoint', 'Cmd', 'WorkingDir', 'User', 'ExposedPorts', 'Volumes', 'Labels', 'platform']),
  /** The variable (Env), label (Labels), port (ExposedPorts) or volume (Volumes); else null. */
  key: Nullable(str),
  a: Nullable(Type.Union([str, Type.Array(str)])),
  b: Nullable(Type.Union([str, Type.Array(str)])),
});

export const compareHistoryStepSchema = Type.Object({
  /** Position in its side's history. */
  index: int,
  createdBy: Nullable(str),
  created: Nullable(str),
  comment: Nullable(str),
  emptyLayer: bool,
  /** The layer the step made, or null. */
  layer: Nullable(int),
  diffId: Nullable(str),
});

export const compareHistoryRowSchema = Type.Object({
  /** `same`: the same step on both sides (times may differ); `changed`: two different steps at one place. */
  status: StringEnum(['same', 'changed', 'onlyA', 'onlyB']),
  a: Nullable(compareHistoryStepSchema),
  b: Nullable(compareHistoryStepSchema),
});

/** `GET /api/compare` */
export const compareSummarySchema = Type.Object({
  a: compareSideSchema,
  b: compareSideSchema,
  /** No file, config or history difference (mtime-only changes aside unless `mtime=1`). */
  identical: bool,
  fs: compareFsSummarySchema,
  layers: Type.Object({
    /** Layers 0..shared−1 are the same on both sides (by diff_id). */
    shared: int,
    onlyA: Type.Array(compareLayerRefSchema),
    onlyB: Type.Array(compareLayerRefSchema),
    /** "layers 0–4 identical, then A has 3 layers, B has 2". */
    text: str,
  }),
  config: Type.Array(compareConfigChangeSchema),
  history: Type.Array(compareHistoryRowSchema),
});

/**
 * One path of the tree of differences (`/api/compare/fs`) or of the flat list of changes
 * (`/api/compare/changes`). A folder whose own entry is unchanged but which holds changes has
 * `change: null` and `changesBelow > 0`; with `unchanged=1`, entries without any change are
 * listed too (`change: null`, `changesBelow: 0`).
 */
export const compareItemSchema = Type.Object({
  name: str,
  /** Absolute path. */
  path: str,
  change: Nullable(compareChangeSchema),
  /** For `modified` and `metadata`: every field that differs; else empty. */
  fields: Type.Array(compareFieldSchema),
  /** A metadata change of the mtime alone (listed only with `mtime=1`). */
  mtimeOnly: bool,
  a: Nullable(compareNodeSchema),
  b: Nullable(compareNodeSchema),
  /** Changes strictly below this folder (0 for anything else). */
  changesBelow: int,
  /** Bytes of A's files among those changes. */
  bytesBelowA: int,
  /** Bytes of B's files among those changes. */
  bytesBelowB: int,
});

export const comparePageSchema = Type.Object({
  items: Type.Array(compareItemSchema),
  /** Items of the whole listing (every page), filters applied. */
  total: int,
  /** The `cursor` of the next page, or null when this is the last one. */
  next: Nullable(str),
  /** Listed changes by kind (filters other than `kinds` applied). */
  counts: Type.Object({ added: int, removed: int, modified: int, type: int, metadata: int }),
});

/**
 * A package on one side of a comparison: the version that side has (as of its layer), where it
 * was installed, and its size.
 */
export const comparePackageSideSchema = Type.Object({
  version: str,
  arch: Nullable(str),
  /** The layer of that side's image that installed it. */
  layer: int,
  /** Bytes of the files it owns in that side's filesystem; null for a side as of a layer below the top. */
  size: Nullable(int),
  installedSize: Nullable(int),
});

export const comparePackageChangeSchema = StringEnum(['added', 'removed', 'upgraded', 'downgraded']);

export const comparePackageItemSchema = Type.Object({
  ecosystem: packageEcosystemSchema,
  name: str,
  /** Where its database lives (a language package's own folder tells copies of one name apart). */
  database: str,
  change: comparePackageChangeSchema,
  a: Nullable(comparePackageSideSchema),
  b: Nullable(comparePackageSideSchema),
  /** B's bytes minus A's: owned bytes where both sides have them, else the declared sizes. */
  sizeDelta: int,
});

/** `GET /api/compare/packages`: the packages that differ between the sides, by ecosystem and name. */
export const comparePackagesSchema = Type.Object({
  items: Type.Array(comparePackageItemSchema),
  counts: Type.Object({ added: int, removed: int, upgraded: int, downgraded: int, same: int }),
  /** Packages on each side. */
  packages: Type.Object({ a: int, b: int }),
  warnings: Type.Array(str),
});
