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

export const errorSchema = obj({ error: obj({ code: str, message: str }) });
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
  layer: int, childCount: int, deletedBy: int, overwrittenBy: int, digest: nullable(str), uname: str, gname: str,
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
  404: 'no such image, layer or path',
  413: 'upload or decompression limit exceeded',
  415: 'unsupported archive format or media type',
  416: 'the range is outside the file',
};
