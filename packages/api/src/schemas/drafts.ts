import { Type, type Static } from '@sinclair/typebox';
import { AnyObject, Nullable, StringEnum, bool, dateTime, int, str } from './base.js';
import { changeKindSchema, entryTypeSchema } from './images.js';

export const draftOpNameSchema = StringEnum(['write', 'delete', 'mkdir', 'symlink', 'rename', 'chmod', 'chown']);

export const draftOpItemSchema = Type.Object({
  /** Position in the list, 0 first. `DELETE /api/images/:id/draft/changes/:index` discards it. */
  index: int,
  op: draftOpNameSchema,
  /** The path the change is about (for rename: the new path). */
  path: str,
  /** rename: the old path. */
  from: Type.Optional(str),
  /** What it did to `path` when it was made ('moved' for rename). */
  kind: StringEnum(['added', 'modified', 'deleted', 'moved']),
  /** The entry's type after the change (for delete: before it). */
  type: entryTypeSchema,
  /** Bytes of file content it added to the filesystem (negative when it removed some). */
  sizeDelta: int,
  /** write: size of the new content. */
  size: Type.Optional(int),
  /** delete: asked to leave every layer (Findings' "Remove from all layers"); only rewrite and flatten ship without its bytes. */
  fromEveryLayer: Type.Optional(bool),
  mode: Type.Optional(int),
  uid: Type.Optional(int),
  gid: Type.Optional(int),
  /** symlink: its target. */
  target: Type.Optional(str),
  /** delete of a path only lower layers still hold (a deleted secret): only the rewrite export removes it. */
  purgeOnly: Type.Optional(bool),
  /** ISO time the change was made. */
  createdAt: dateTime(),
});

export const draftPathChangeSchema = Type.Object({
  path: str,
  kind: changeKindSchema,
  type: entryTypeSchema,
  sizeDelta: int,
  purgeOnly: Type.Optional(bool),
  /** Deleted by a delete asked to leave every layer (or below a folder so deleted): append would still ship its bytes. */
  fromEveryLayer: Type.Optional(bool),
  /** A folder moved here: this one change carries everything under it (and its bytes in sizeDelta). */
  tree: Type.Optional(bool),
  /** What the image held at this path is gone whole — a folder deleted and made again, or a file a folder replaced: rewrite strips it from every layer. */
  replacesTree: Type.Optional(bool),
});

export const draftConfigChangeSchema = Type.Object({
  key: str,
  /** The image's value (null: not set). */
  before: Type.Unknown(),
  /** The value after the draft (null: removed). */
  after: Type.Unknown(),
});

export const draftStateSchema = Type.Object({
  imageId: str,
  /** Pending file changes in the order they were made; undo discards the last one. */
  ops: Type.Array(draftOpItemSchema),
  /** What the ops do to the filesystem, one item per path, sorted by path. */
  changes: Type.Array(draftPathChangeSchema),
  /** The config patch as sent (`PATCH …/draft/config`): keys of the image config's `config`; null removes one. */
  config: AnyObject(),
  /** The image config's `config` object with the patch applied: what an export writes. */
  resultConfig: AnyObject(),
  configChanges: Type.Array(draftConfigChangeSchema),
  /** name:tag of the result (`PUT …/draft/tag`), or null for the default. */
  tag: Nullable(str),
  /**
   * The tag an export writes when none is given: `tag`, else `<repository>:edited` of the name the
   * image was opened from Docker by (else of its first tag; `:edited-2` when that is already
   * `:edited`), else `peel/<id>:edited`. Never the original's own name, so a load keeps it.
   */
  resultTag: str,
  /** Bytes of file content in the filesystem before and after the draft (uncompressed). */
  size: Type.Object({ before: int, after: int }),
  /** Nothing is pending (no op, no config change, no tag). */
  empty: bool,
  /** ISO time of the last edit, or null for an empty draft. */
  updatedAt: Nullable(dateTime()),
});

// ---- Requests ----

const opPath = Type.String({ minLength: 1, maxLength: 65536 });
const modeBits = Type.Integer({ minimum: 0, maximum: 0o7777 });
const ownerId = Type.Integer({ minimum: 0, maximum: 2147483647 });

/** Each op with the fields it takes (paths absolute, `mode` the permission bits as a number). */
export const draftOpVariants = [
  Type.Object({ op: Type.Literal('mkdir'), path: opPath, mode: Type.Optional(modeBits), uid: Type.Optional(ownerId), gid: Type.Optional(ownerId) }),
  Type.Object({ op: Type.Literal('symlink'), path: opPath, target: Type.String({ minLength: 1, maxLength: 4096 }) }),
  Type.Object({ op: Type.Literal('rename'), from: opPath, to: opPath }),
  Type.Object({ op: Type.Literal('chmod'), path: opPath, mode: modeBits }),
  Type.Object({ op: Type.Literal('chown'), path: opPath, uid: ownerId, gid: ownerId }),
  /** fromEveryLayer: meant to leave every layer (a secret), not only the final filesystem: exports then default to rewrite. */
  Type.Object({ op: Type.Literal('delete'), path: opPath, fromEveryLayer: Type.Optional(Type.Boolean()) }),
] as const;
type DraftOpVariant = Static<(typeof draftOpVariants)[number]>;

/**
 * `POST …/draft/ops` validates one object holding any op's fields, only `op` required: which
 * fields an op needs is checked after (see each variant's `required`), so a missing one is named
 * in a plain message instead of an `anyOf` error per variant.
 */
export const draftOpRequestSchema = Type.Unsafe<DraftOpVariant>({
  type: 'object',
  properties: Object.assign({ op: StringEnum(draftOpVariants.map((v) => v.properties.op.const)) }, ...draftOpVariants.map(({ properties: { op: _op, ...rest } }) => rest)),
  required: ['op'],
  additionalProperties: false,
  description: 'mkdir {path, mode?, uid?, gid?} | symlink {path, target} | rename {from, to} | chmod {path, mode} | chown {path, uid, gid} | delete {path, fromEveryLayer?}',
});

/**
 * `PUT …/draft/tag`. `type: [string, null]`, not anyOf: Fastify's Ajv coerces types, and would
 * turn null into '' for a first branch `string`.
 */
export const draftTagRequestSchema = Type.Object({
  /** e.g. `alpyne:latest`; null returns to the default. */
  tag: Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 512 }),
});

/** `PATCH …/draft/config` */
export const configPatchSchema = AnyObject({
  description: 'keys of the image config\'s "config" object (Cmd, Entrypoint, Env, WorkingDir, User, ExposedPorts, Volumes, Labels, StopSignal…); null removes a key',
});

export const exportModeSchema = StringEnum(['append', 'flatten', 'rewrite']);
export const exportCompressionSchema = StringEnum(['gzip', 'none']);
