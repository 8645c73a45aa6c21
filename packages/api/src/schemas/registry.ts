import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, bool, int, str } from './base.js';
import { imageSummarySchema, platformSchema } from './images.js';

/** `host[:port]/repository[:tag][@sha256:…]` (Docker Hub's short names too): no spaces, no control characters. */
export const registryRefSchema = Type.String({ minLength: 1, maxLength: 512, pattern: '^[^\\s\\x00-\\x1f]+$' });

/** `os/arch[/variant]`, as `docker pull --platform` takes it. */
export const registryPlatformSchema = Type.String({ minLength: 3, maxLength: 128, pattern: '^[a-z0-9_.-]+/[a-z0-9_.-]+(/[a-z0-9_.-]+)?$' });

export const registryDescriptorSchema = Type.Object({
  mediaType: str,
  digest: str,
  /** Bytes, as the manifest declares them. */
  size: int,
});

export const registryPlatformChoiceSchema = Type.Object({
  ...registryDescriptorSchema.properties,
  platform: platformSchema,
  /** `os/arch[/variant]`: what to pass as `platform`. */
  name: str,
});

export const registryHistoryStepSchema = Type.Object({
  created: Nullable(str),
  createdBy: str,
  emptyLayer: bool,
});

/** An image manifest and what its config says, read before any layer is downloaded. */
export const registryImageManifestSchema = Type.Object({
  mediaType: str,
  digest: str,
  platform: platformSchema,
  config: registryDescriptorSchema,
  layers: Type.Array(registryDescriptorSchema),
  /** Sum of the layers' and the config's sizes: the bytes an open downloads (less what the store holds). */
  size: int,
  /** The config's `created`, or null. */
  created: Nullable(str),
  history: Type.Array(registryHistoryStepSchema),
});

export const registryManifestSchema = Type.Object({
  /** The reference, normalised (`registry/repository[:tag][@digest]`). */
  ref: str,
  registry: str,
  repository: str,
  tag: Nullable(str),
  /** What the reference resolved to: an image manifest, or an index / manifest list. */
  mediaType: str,
  digest: str,
  /** The platforms of an index (null for a single image manifest). */
  platforms: Nullable(Type.Array(registryPlatformChoiceSchema)),
  /**
   * The image manifest: the reference's own, or the index's one for `platform` (default: the
   * host's). Null for an index without the asked platform.
   */
  image: Nullable(registryImageManifestSchema),
});

/** Why one tag's details could not be read (the other tags of the page are unaffected). */
export const registryTagErrorSchema = Type.Object({ code: str, message: str });

/** What a tag points at, read from its manifest (`details=1`). */
export const registryTagDetailsSchema = Type.Object({
  /** The digest of the tag's manifest (an index's own for an index). Null when it could not be read. */
  digest: Nullable(str),
  mediaType: Nullable(str),
  /** An index's platforms (`os/arch[/variant]`, attestations left out); null for an image manifest. */
  platforms: Nullable(Type.Array(str)),
  /**
   * Bytes to download: the config and layers of the image manifest; for an index, of the image
   * `sizePlatform` names (the one an open picks by default: the host's). Null when there is none.
   */
  size: Nullable(int),
  /** For an index: the platform `size` is of (null when the index has no image for the host). Null for an image manifest. */
  sizePlatform: Nullable(str),
  /** Set when this tag's manifest could not be read (then the fields above are null). */
  error: Nullable(registryTagErrorSchema),
});

export const registryTagSchema = Type.Object({
  tag: str,
  /** `registry/repository:tag`: what to open it by. */
  ref: str,
  /** With `details=1`: */
  ...Type.Partial(registryTagDetailsSchema).properties,
});

export const registryTagsPageSchema = Type.Object({
  repository: str,
  items: Type.Array(registryTagSchema),
  /** The `cursor` of the next page, or null on the last one. */
  next: Nullable(str),
});

export const registryOpenRequestSchema = Type.Object({
  ref: registryRefSchema,
  /** For an index: which image to open (`os/arch[/variant]`); default the host's. */
  platform: Type.Optional(registryPlatformSchema),
}, { additionalProperties: false });

export const registryLayerStateSchema = StringEnum(['waiting', 'fetching', 'stored', 'done']);

export const registryLayerProgressSchema = Type.Object({
  digest: str,
  size: int,
  /** Bytes of this layer passed into the ingest so far. */
  loaded: int,
  /** waiting; fetching (from the registry); stored (the store holds it: read locally, not downloaded); done. */
  state: registryLayerStateSchema,
  /**
   * The layer's entries are stored: its own folders can be listed at
   * `/api/registry/open-jobs/:id/layers/:n/fs` while the rest of the image is still coming.
   */
  indexed: bool,
  /** The digest of the layer's uncompressed tar, once indexed (null before). */
  diffId: Nullable(str),
});

export const registryOpenJobSchema = Type.Object({
  id: str,
  /** The reference, normalised. */
  ref: str,
  /** resolving: reading the manifest; fetching: layers streaming into the ingest; indexing: all read, the store is being written. */
  state: StringEnum(['resolving', 'fetching', 'indexing', 'done', 'failed', 'cancelled']),
  /** The image manifest being opened, once resolved. */
  digest: Nullable(str),
  platform: Nullable(str),
  layers: Type.Array(registryLayerProgressSchema),
  /** The stored image, once done. */
  image: Nullable(imageSummarySchema),
  error: Nullable(Type.Object({ code: str, message: str })),
});

export const registryLoginRequestSchema = Type.Object({
  /** `host[:port]` as references name it. */
  registry: Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\s/\\x00-\\x1f]+$' }),
  username: Type.String({ minLength: 1, maxLength: 256 }),
  password: Type.String({ minLength: 1, maxLength: 8192 }),
}, { additionalProperties: false });

export const registryLoginSchema = Type.Object({
  /** A registry with credentials typed in for this server's session (kept in memory until it stops). */
  registry: str,
});
