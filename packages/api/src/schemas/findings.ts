import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, bool, dateTime, int, num, str } from './base.js';

export const sizedPathSchema = Type.Object({
  path: str,
  size: int,
  /** The layer that wrote the file; null for folders. */
  layer: Nullable(int),
  type: StringEnum(['file', 'dir']),
  /** Files under a folder. */
  files: Type.Optional(int),
});

/**
 * A node of the size tree of the final filesystem; `other` gathers the small entries of a folder.
 * The tree is recursive: the schema describes a node's children one level deep (objects), the
 * type (SizeTreeNode in index.ts) all the way down.
 */
export const sizeTreeNodeFieldsSchema = Type.Object({
  name: str,
  path: str,
  size: int,
  files: int,
  type: StringEnum(['file', 'dir', 'other']),
  layer: Nullable(int),
});
export const sizeTreeNodeSchema = Type.Object({
  ...sizeTreeNodeFieldsSchema.properties,
  children: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
});

export const layerSizeInfoSchema = Type.Object({
  index: int,
  /** Bytes of the blob as stored. */
  stored: int,
  /** Bytes of the uncompressed tar. */
  uncompressed: int,
  /** Sum of the layer's file sizes. */
  content: int,
  files: int,
  /** Bytes the layer added to the filesystem minus the bytes it deleted or overwrote (can be negative). */
  contribution: int,
  /** Bytes of this layer still in the final filesystem. */
  survives: int,
  /** Bytes of this layer a later layer deleted or overwrote. */
  removedLater: int,
  biggestFiles: Type.Array(sizedPathSchema),
  biggestDirs: Type.Array(sizedPathSchema),
  historyStep: Nullable(int),
  createdBy: Nullable(str),
  /** The layer came from the base image (see FindingsResponse.base). */
  fromBase: bool,
});

export const sizeFindingsSchema = Type.Object({
  stored: int,
  uncompressed: int,
  /** Sum of every file copy in every layer. */
  shipped: int,
  /** Bytes of the final filesystem (hard links counted once). */
  final: int,
  layers: Type.Array(layerSizeInfoSchema),
  biggestFiles: Type.Array(sizedPathSchema),
  biggestDirs: Type.Array(sizedPathSchema),
  tree: sizeTreeNodeSchema,
});

export const wasteItemSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('removed'),
    /** Absolute path. */
    path: str,
    bytes: int,
    copies: Type.Array(Type.Object({ layer: int, size: int, digest: Nullable(str), removedIn: int, how: StringEnum(['deleted', 'overwritten']) })),
    /** The copy in the final filesystem, or null when the path is gone. */
    survivor: Nullable(Type.Object({ layer: int, size: int })),
  }),
  Type.Object({
    kind: Type.Literal('duplicate'),
    digest: str,
    size: int,
    bytes: int,
    copies: Type.Array(Type.Object({ path: str, layer: int })),
  }),
]);

export const wasteFindingsSchema = Type.Object({
  /** Reclaimable bytes: shipped − unique. */
  bytes: int,
  shipped: int,
  /** Sum of the distinct file contents (by sha256) of the final filesystem. */
  unique: int,
  removed: int,
  duplicate: int,
  /** unique ÷ shipped (1 when nothing ships). */
  efficiency: num,
  /** The definition, in words. */
  formula: str,
  items: Type.Array(wasteItemSchema),
  itemCount: int,
});

export const secretKindSchema = StringEnum([
  'private-key', 'aws-access-key', 'aws-secret-key', 'gcp-service-account', 'google-api-key', 'github-token',
  'gitlab-token', 'slack-token', 'slack-webhook', 'stripe-key', 'npm-token', 'registry-auth', 'netrc-password',
  'url-credentials', 'dotenv', 'secret-assignment',
]);

export const secretFindingSchema = Type.Object({
  id: str,
  kind: secretKindSchema,
  title: str,
  /** Where it was found: a file of a layer, or the config's Env, Labels, Cmd/Entrypoint, history. */
  source: StringEnum(['file', 'env', 'label', 'cmd', 'history']),
  /** Absolute file path (source 'file'), the Env/label name, or null. */
  path: Nullable(str),
  /** The layer that ships the bytes (files), or that the history step made. */
  layer: Nullable(int),
  /** 1-based line in the file (Env: entry; history: step). */
  line: Nullable(int),
  /** The layer that deleted or overwrote this copy; null while it is in the final filesystem (or config). */
  deletedIn: Nullable(int),
  status: StringEnum(['present', 'deleted', 'overwritten', 'config']),
  name: Nullable(str),
  /** The line, value masked. */
  preview: str,
  historyStep: Nullable(int),
  createdBy: Nullable(str),
  fromBase: bool,
  /** What to do, in words. */
  fix: str,
});

export const baseImageInfoSchema = Type.Object({
  /** Layers [0, baseLayers) came from the base image. */
  baseLayers: int,
  lastBaseStep: Nullable(int),
  rule: StringEnum(['from-comment', 'first-cmd', 'none']),
  /** The heuristic, stated for people. */
  explanation: str,
});

export const findingsScanInfoSchema = Type.Object({
  filesConsidered: int,
  filesScanned: int,
  bytesRead: int,
  skippedBinary: int,
  skippedLarge: int,
  truncated: int,
  /** Time the analysis took when it ran. */
  millis: int,
});

export const findingsResponseSchema = Type.Object({
  imageId: str,
  secrets: Type.Array(secretFindingSchema),
  waste: wasteFindingsSchema,
  sizes: sizeFindingsSchema,
  base: baseImageInfoSchema,
  scan: findingsScanInfoSchema,
  /** ISO time the findings were computed (then cached). */
  computedAt: dateTime(),
});
