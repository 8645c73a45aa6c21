/**
 * JSON Schemas of the API's shapes (mirroring @peel/api). Routes declare them; Fastify
 * validates params and query strings with them, and http/openapi.ts publishes them.
 */
type Schema = Record<string, unknown>;

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const bool = { type: 'boolean' } as const;
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({
  type: 'object',
  properties,
  required,
});
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });

export const errorSchema = obj({ error: obj({ code: str, message: str, detail: str }, ['code', 'message']) });
export const healthSchema = obj({ ok: { type: 'boolean', const: true } });

export const platformSchema = obj({ os: str, architecture: str, variant: str }, ['os', 'architecture']);
const platformChoiceSchema = obj(
  { platform: platformSchema, manifestDigest: nullable(str), available: bool, tags: arrayOf(str), imageId: nullable(str) },
  ['platform', 'manifestDigest', 'available', 'tags'],
);
const problemSchema = obj(
  { code: str, message: str, severity: { enum: ['error', 'warning', 'info'] }, layer: int, path: str },
  ['code', 'message', 'severity'],
);
const summaryProps = {
  id: str,
  name: str,
  tags: arrayOf(str),
  format: str,
  platform: platformSchema,
  size: int,
  layerCount: int,
  createdAt: { type: 'string', format: 'date-time' },
  archiveDigest: str,
  fileCount: int,
};
export const imageSummarySchema = obj(summaryProps, ['id', 'name', 'tags', 'format', 'platform', 'size', 'layerCount', 'createdAt']);

const layerInfoSchema = obj(
  {
    index: int, digest: str, diffId: str, mediaType: str, size: int, uncompressedSize: int, entryCount: int,
    contentSize: int, history: nullable(int), compression: str, archivePath: str,
  },
  ['index', 'digest', 'diffId', 'mediaType', 'size', 'uncompressedSize', 'entryCount', 'contentSize', 'history'],
);
const historySchema = obj(
  { created: nullable(str), createdBy: nullable(str), comment: nullable(str), emptyLayer: bool, layer: nullable(int), author: nullable(str) },
  ['created', 'createdBy', 'comment', 'emptyLayer', 'layer'],
);
export const imageDetailSchema = obj(
  {
    ...summaryProps,
    platforms: arrayOf(platformChoiceSchema),
    manifestDigest: nullable(str),
    configDigest: str,
    config: { type: 'object', additionalProperties: true },
    layers: arrayOf(layerInfoSchema),
    history: arrayOf(historySchema),
    problems: arrayOf(problemSchema),
    archiveSize: int,
    outerCompression: str,
  },
  ['id', 'name', 'format', 'tags', 'platform', 'platforms', 'manifestDigest', 'configDigest', 'config', 'layers', 'history', 'problems', 'size', 'createdAt'],
);

export const archiveEntrySchema = obj(
  {
    path: str, type: { enum: ['file', 'dir', 'symlink', 'hardlink', 'other'] }, size: int, role: str, digest: nullable(str),
    linkTarget: nullable(str), label: nullable(str), layer: int, mediaType: nullable(str),
  },
  ['path', 'type', 'size', 'role', 'digest', 'linkTarget', 'label', 'mediaType'],
);

const entryType = { enum: ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'whiteout', 'opaque'] };
const fsEntryProps = {
  name: str, path: str, type: entryType, mode: int, uid: int, gid: int, size: int, mtime: num, linkTarget: nullable(str),
  layer: int, childCount: int, bytesBelow: int, deletedBy: int, overwrittenBy: int, digest: nullable(str), uname: str, gname: str,
  devMajor: int, devMinor: int, xattrs: nullable({ type: 'object', additionalProperties: str }), implicit: bool,
};
const fsEntryRequired = ['name', 'path', 'type', 'mode', 'uid', 'gid', 'size', 'mtime', 'linkTarget', 'layer'];
export const fsEntrySchema = obj(fsEntryProps, fsEntryRequired);

export const layerChangeSchema = obj(
  {
    path: str, change: { enum: ['added', 'modified', 'deleted'] }, type: entryType, size: int,
    previousLayer: nullable(int), metadataOnly: bool, previousSize: nullable(int),
  },
  ['path', 'change', 'type', 'size', 'previousLayer', 'metadataOnly'],
);

export const searchResultSchema = obj({
  items: arrayOf(obj({ ...fsEntryProps, deleted: bool }, [...fsEntryRequired, 'deleted'])),
  total: int,
  offset: int,
  limit: int,
});

export const binaryResponse = (description: string): Schema => ({
  description,
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
});

export const idParam = { type: 'string', minLength: 1, maxLength: 128 };
export const idParams = obj({ id: idParam });
export const pathQuery = { type: 'string', maxLength: 65536 };
/** Standard error replies, for the OpenAPI document. */
export const errors = (...codes: number[]): Record<number, Schema> =>
  Object.fromEntries(codes.map((c) => [c, { ...errorSchema, description: ERROR_TEXT[c] ?? 'error' }]));

const ERROR_TEXT: Record<number, string> = {
  400: 'bad input (the error code says which)',
  403: 'refused: foreign Host or Origin',
  404: 'no such image, layer, path or draft change',
  409: 'the draft change cannot be discarded: a later change needs it',
  413: 'upload or decompression limit exceeded',
  415: 'unsupported archive format or media type',
  416: 'the range is outside the file',
};

// ---- Drafts and export ----

const changeKind = { enum: ['added', 'modified', 'deleted'] };
const draftOpItemSchema = obj(
  {
    index: int, op: { enum: ['write', 'delete', 'mkdir', 'symlink', 'rename', 'chmod', 'chown'] }, path: str, from: str,
    kind: { enum: ['added', 'modified', 'deleted', 'moved'] }, type: entryType, sizeDelta: int, size: int, mode: int, uid: int, gid: int,
    target: str, purgeOnly: bool, fromEveryLayer: bool, createdAt: { type: 'string', format: 'date-time' },
  },
  ['index', 'op', 'path', 'kind', 'type', 'sizeDelta', 'createdAt'],
);
const draftPathChangeSchema = obj({ path: str, kind: changeKind, type: entryType, sizeDelta: int, purgeOnly: bool, fromEveryLayer: bool, tree: bool, replacesTree: bool }, ['path', 'kind', 'type', 'sizeDelta']);
const anyObject = { type: 'object', additionalProperties: true };
export const draftStateSchema = obj({
  imageId: str,
  ops: arrayOf(draftOpItemSchema),
  changes: arrayOf(draftPathChangeSchema),
  config: anyObject,
  resultConfig: anyObject,
  configChanges: arrayOf(obj({ key: str, before: {}, after: {} })),
  tag: nullable(str),
  resultTag: str,
  size: obj({ before: int, after: int }),
  empty: bool,
  updatedAt: nullable({ type: 'string', format: 'date-time' }),
});

const modeBits = { type: 'integer', minimum: 0, maximum: 0o7777 };
const ownerId = { type: 'integer', minimum: 0, maximum: 2147483647 };
const opPath = { type: 'string', minLength: 1, maxLength: 65536 };
/** One schema for every op (the per-op required fields are checked with clearer messages in code). */
export const draftOpRequestSchema: Schema = {
  type: 'object',
  properties: {
    op: { enum: ['mkdir', 'symlink', 'rename', 'chmod', 'chown', 'delete'] },
    path: opPath, from: opPath, to: opPath, target: { type: 'string', minLength: 1, maxLength: 4096 },
    mode: modeBits, uid: ownerId, gid: ownerId, fromEveryLayer: { type: 'boolean' },
  },
  required: ['op'],
  additionalProperties: false,
  description: 'mkdir {path, mode?, uid?, gid?} | symlink {path, target} | rename {from, to} | chmod {path, mode} | chown {path, uid, gid} | delete {path, fromEveryLayer?}',
};
// type: [string, null], not anyOf: Fastify's Ajv would coerce null to '' for the first branch.
export const draftTagRequestSchema = obj({ tag: { type: ['string', 'null'], maxLength: 512 } });
export const configPatchSchema: Schema = {
  type: 'object',
  additionalProperties: true,
  description: 'keys of the image config\'s "config" object (Cmd, Entrypoint, Env, WorkingDir, User, ExposedPorts, Volumes, Labels, StopSignal…); null removes a key',
};
export const modeQuery = { type: 'integer', minimum: 0, maximum: 0o7777, description: 'permission bits as a number, as in JSON bodies: 420 = 0o644' };
export const ownerQuery = { type: 'integer', minimum: 0, maximum: 2147483647 };
export const exportQuery: Schema = {
  type: 'object',
  properties: {
    mode: { enum: ['append', 'flatten', 'rewrite'] },
    tag: { type: 'string', maxLength: 512 },
    compression: { enum: ['gzip', 'none'] },
  },
  required: ['mode'],
};

/** A yes/no query parameter (`deleted=1`, `draft=true`). */
export const flag = { type: 'string', enum: ['0', '1', 'true', 'false'] };
export const isOn = (v: unknown): boolean => v === '1' || v === 'true';
