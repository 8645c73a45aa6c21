import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, int, str } from './base.js';
import { exportCompressionSchema, exportModeSchema } from './drafts.js';
import { registryRefSchema } from './registry.js';

export const registryPushRequestSchema = Type.Object({
  /** Where to push: `host[:port]/repository[:tag]` (a tag; `latest` when none is given). */
  ref: registryRefSchema,
  mode: exportModeSchema,
  compression: Type.Optional(exportCompressionSchema),
}, { additionalProperties: false });

/** waiting; sending (its bytes going up); exists (the repository had it); mounted (from another repository of the registry); uploaded. */
export const registryPushBlobStateSchema = StringEnum(['waiting', 'sending', 'exists', 'mounted', 'uploaded']);

export const registryPushBlobSchema = Type.Object({
  digest: str,
  size: int,
  /** `layer` or `config`. */
  kind: StringEnum(['layer', 'config']),
  state: registryPushBlobStateSchema,
  /** Bytes of this blob done (sent, or counted as there when it exists or was mounted). */
  pushed: int,
});

export const registryPushJobSchema = Type.Object({
  id: str,
  /** The destination, normalised (`registry/repository:tag`). */
  ref: str,
  mode: exportModeSchema,
  /** building: the export's layers are being made; pushing: blobs going up; manifest: the manifest going up. */
  state: StringEnum(['building', 'pushing', 'manifest', 'done', 'failed', 'cancelled']),
  /** Bytes of blobs done (sent, or already there) of `total`. */
  pushed: int,
  /** Bytes of all blobs (layers and config), once the export is built; 0 before. */
  total: int,
  blobs: Type.Array(registryPushBlobSchema),
  /** The pushed manifest's digest (`ref@digest` pulls exactly it), once done. */
  digest: Nullable(str),
  /** Its media type (the OCI image manifest the exported archive holds). */
  mediaType: Nullable(str),
  error: Nullable(Type.Object({ code: str, message: str })),
});
