/** JSON Schema of `GET /api/images/:id/findings` (mirrors FindingsResponse in @peel/api), for the OpenAPI document. */
type Schema = Record<string, unknown>;

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const bool = { type: 'boolean' } as const;
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({ type: 'object', properties, required });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });

const sizedPath = obj({ path: str, size: int, layer: nullable(int), type: { enum: ['file', 'dir'] }, files: int }, ['path', 'size', 'layer', 'type']);
// The tree is recursive; its children are described one level deep.
const treeNodeProps = { name: str, path: str, size: int, files: int, type: { enum: ['file', 'dir', 'other'] }, layer: nullable(int) };
const treeNode = obj({ ...treeNodeProps, children: arrayOf({ type: 'object', additionalProperties: true }) }, Object.keys(treeNodeProps));

const layerSize = obj({
  index: int, stored: int, uncompressed: int, content: int, files: int, contribution: int, survives: int, removedLater: int,
  biggestFiles: arrayOf(sizedPath), biggestDirs: arrayOf(sizedPath), historyStep: nullable(int), createdBy: nullable(str), fromBase: bool,
});

const removedItem = obj({
  kind: { const: 'removed' }, path: str, bytes: int,
  copies: arrayOf(obj({ layer: int, size: int, digest: nullable(str), removedIn: int, how: { enum: ['deleted', 'overwritten'] } })),
  survivor: nullable(obj({ layer: int, size: int })),
});
const duplicateItem = obj({ kind: { const: 'duplicate' }, digest: str, size: int, bytes: int, copies: arrayOf(obj({ path: str, layer: int })) });

const secret = obj({
  id: str, kind: str, title: str, source: { enum: ['file', 'env', 'label', 'cmd', 'history'] }, path: nullable(str), layer: nullable(int),
  line: nullable(int), deletedIn: nullable(int), status: { enum: ['present', 'deleted', 'overwritten', 'config'] }, name: nullable(str),
  preview: str, historyStep: nullable(int), createdBy: nullable(str), fromBase: bool, fix: str,
});

export const findingsSchema = obj({
  imageId: str,
  secrets: arrayOf(secret),
  waste: obj({ bytes: int, shipped: int, unique: int, removed: int, duplicate: int, efficiency: num, formula: str, items: arrayOf({ anyOf: [removedItem, duplicateItem] }), itemCount: int }),
  sizes: obj({ stored: int, uncompressed: int, shipped: int, final: int, layers: arrayOf(layerSize), biggestFiles: arrayOf(sizedPath), biggestDirs: arrayOf(sizedPath), tree: treeNode }),
  base: obj({ baseLayers: int, lastBaseStep: nullable(int), rule: { enum: ['from-comment', 'first-cmd', 'none'] }, explanation: str }),
  scan: obj({ filesConsidered: int, filesScanned: int, bytesRead: int, skippedBinary: int, skippedLarge: int, truncated: int, millis: int }),
  computedAt: { type: 'string', format: 'date-time' },
});
