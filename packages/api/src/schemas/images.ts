import { Type } from '@sinclair/typebox';
import { AnyObject, Nullable, StringEnum, bool, dateTime, int, num, str } from './base.js';

export const entryTypeSchema = StringEnum(['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'whiteout', 'opaque']);
export const changeKindSchema = StringEnum(['added', 'modified', 'deleted']);

export const platformSchema = Type.Object({ os: str, architecture: str, variant: Type.Optional(str) });

export const platformChoiceSchema = Type.Object({
  platform: platformSchema,
  manifestDigest: Nullable(str),
  available: bool,
  tags: Type.Array(str),
  /** The id of this platform's image when it is stored (uploaded with `?platform=`), else null. */
  imageId: Type.Optional(Nullable(str)),
});

const summaryProperties = {
  id: str,
  name: str,
  tags: Type.Array(str),
  /** 'docker-legacy' | 'docker-oci' | 'oci' */
  format: str,
  platform: platformSchema,
  /** Sum of stored layer sizes plus config, bytes. */
  size: int,
  layerCount: int,
  /** ISO time the image was added to Peel. */
  createdAt: dateTime(),
  /** sha256 of the uploaded archive. */
  archiveDigest: Type.Optional(str),
  /** Number of entries in the merged filesystem. */
  fileCount: Type.Optional(int),
};
export const imageSummarySchema = Type.Object(summaryProperties);

export const layerInfoSchema = Type.Object({
  index: int,
  digest: str,
  diffId: str,
  mediaType: str,
  size: int,
  uncompressedSize: int,
  entryCount: int,
  /** Sum of file sizes (what `docker history` calls SIZE). */
  contentSize: int,
  /** The history step that made this layer (index into `history`), or null. */
  history: Nullable(int),
  /** 'none' | 'gzip' | 'zstd', as stored in the archive. */
  compression: Type.Optional(str),
  /** Where the layer blob sits in the archive. */
  archivePath: Type.Optional(str),
});

export const historyStepSchema = Type.Object({
  created: Nullable(str),
  createdBy: Nullable(str),
  comment: Nullable(str),
  emptyLayer: bool,
  /** Index of the layer this step made, or null. */
  layer: Nullable(int),
  author: Type.Optional(Nullable(str)),
});

export const problemSchema = Type.Object({
  code: str,
  message: str,
  severity: StringEnum(['error', 'warning', 'info']),
  layer: Type.Optional(int),
  path: Type.Optional(str),
});

export const imageDetailSchema = Type.Object({
  id: str,
  name: str,
  format: str,
  tags: Type.Array(str),
  platform: platformSchema,
  platforms: Type.Array(platformChoiceSchema),
  manifestDigest: Nullable(str),
  configDigest: str,
  /** The parsed image config JSON, as stored. */
  config: AnyObject(),
  layers: Type.Array(layerInfoSchema),
  history: Type.Array(historyStepSchema),
  problems: Type.Array(problemSchema),
  size: int,
  createdAt: summaryProperties.createdAt,
  archiveDigest: Type.Optional(str),
  archiveSize: Type.Optional(int),
  /** 'none' | 'gzip' | 'zstd': how the uploaded archive itself was compressed. */
  outerCompression: Type.Optional(str),
  fileCount: Type.Optional(int),
  layerCount: Type.Optional(int),
});

export const archiveEntrySchema = Type.Object({
  path: str,
  type: StringEnum(['file', 'dir', 'symlink', 'hardlink', 'other']),
  size: int,
  /** 'manifest.json' | 'index.json' | 'oci-layout' | 'repositories' | 'index' | 'manifest' | 'config' | 'layer' | 'attestation' | 'legacy-json' | 'version' | 'directory' | 'other' | 'unknown' */
  role: str,
  digest: Nullable(str),
  linkTarget: Nullable(str),
  /** Human label, e.g. "layer 3". */
  label: Nullable(str),
  /** For layers: the layer index. */
  layer: Type.Optional(int),
  mediaType: Nullable(str),
});

const fsEntryProperties = {
  name: str,
  /** Absolute path. */
  path: str,
  type: entryTypeSchema,
  /** Permission bits incl. setuid/setgid/sticky. */
  mode: int,
  uid: int,
  gid: int,
  size: int,
  /** Seconds since the epoch. */
  mtime: num,
  linkTarget: Nullable(str),
  /** The layer that provided this entry. */
  layer: int,
  /** Number of children, for directories (merged view). */
  childCount: Type.Optional(int),
  /**
   * Directories of the merged view (not with draft=1 or asOf=N): bytes of file content below it at any
   * depth, hard links counted with their target's size. With paged=1&sort=size, folders are
   * ordered by it.
   */
  bytesBelow: Type.Optional(int),
  /** With `deleted=1`: the entry is not in the final filesystem. */
  deletedBy: Type.Optional(int),
  overwrittenBy: Type.Optional(int),
  digest: Type.Optional(Nullable(str)),
  uname: Type.Optional(str),
  gname: Type.Optional(str),
  devMajor: Type.Optional(int),
  devMinor: Type.Optional(int),
  /** `SCHILY.xattr.*` records: name → base64 value. */
  xattrs: Type.Optional(Nullable(Type.Record(Type.String(), Type.String()))),
  /** A directory no layer declared (it exists because something below it does). */
  implicit: Type.Optional(bool),
  /**
   * With `draft=1`: the draft made or changed this entry; its `layer` is then the image's layer
   * count (the layer an append export adds). With `draft=1&deleted=1`, entries the draft
   * deletes are listed with `deletedBy` = that layer and `edited: true`.
   */
  edited: Type.Optional(bool),
};
export const fsEntrySchema = Type.Object(fsEntryProperties);

export const layerChangeSchema = Type.Object({
  path: str,
  change: changeKindSchema,
  type: entryTypeSchema,
  size: int,
  /** The layer that held the previous version (modified, deleted), else null. */
  previousLayer: Nullable(int),
  /** For modified: only metadata (mode, owner, mtime…) changed, not the content. */
  metadataOnly: bool,
  previousSize: Type.Optional(Nullable(int)),
});

export const searchResultSchema = Type.Object({
  items: Type.Array(Type.Object({ ...fsEntryProperties, deleted: bool })),
  total: int,
  offset: int,
  limit: int,
  /**
   * The next page: pass it back as `cursor` (with the same q and deleted) and the page is sought,
   * not walked past like a deep `offset`. Null on the last page.
   */
  next: Nullable(str),
});

export const apiErrorBodySchema = Type.Object({
  /**
   * `code` is stable (see the engine's EngineErrorCode for ingest errors); `message` is said in
   * plain words; `detail`, when present, is the technical account behind it (a tar offset, a
   * decompressor's words), for a bug report or a closer look.
   */
  error: Type.Object({ code: str, message: str, detail: Type.Optional(str) }),
});

export const healthSchema = Type.Object({ ok: Type.Literal(true) });
