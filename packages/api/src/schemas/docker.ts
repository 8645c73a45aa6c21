import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, bool, int, str } from './base.js';
import { imageSummarySchema } from './images.js';

export const dockerStatusSchema = Type.Object({
  available: bool,
  /** Where Peel looks for the engine, e.g. `unix:///var/run/docker.sock`. */
  host: str,
  /** The engine's version (`28.2.2`), when available. */
  version: Nullable(str),
  /** The Engine API version Peel speaks with it. */
  apiVersion: Nullable(str),
  /** Why the engine cannot be used, when not available. */
  reason: Nullable(str),
  /** Containers may be run from this server (it binds loopback, or runs were switched on with PEEL_DOCKER_RUNS=1). */
  runs: bool,
  /** Why runs are off, when they are. */
  runsReason: Nullable(str),
});

export const dockerImageSchema = Type.Object({
  /** `sha256:…` */
  id: str,
  /** `repo:tag` names; empty for an untagged image. */
  tags: Type.Array(str),
  /** What to open or run it by: its first tag, else its id. */
  ref: str,
  /** Bytes, as `docker images` reports them. */
  size: int,
  /** ISO time the image was built. */
  created: str,
});

export const dockerImageLookupSchema = Type.Object({
  /** The name asked about, as given. */
  ref: str,
  /** The image the engine has under that name (loading another image by it takes the name over), or null. */
  image: Nullable(dockerImageSchema),
});

/** A tag, digest reference or id: no spaces, no control characters. */
export const dockerRefSchema = Type.String({ minLength: 1, maxLength: 512, pattern: '^[^\\s\\x00-\\x1f]+$' });

export const dockerOpenRequestSchema = Type.Object({
  /** A tag (`alpine:3.20`), a digest reference, or an image id. */
  ref: dockerRefSchema,
}, { additionalProperties: false });

export const dockerOpenJobSchema = Type.Object({
  id: str,
  ref: str,
  /** streaming: bytes are coming from Docker; indexing: all arrived, the store is being written. */
  state: StringEnum(['streaming', 'indexing', 'done', 'failed', 'cancelled']),
  /** Bytes of the `docker save` stream received so far. */
  loaded: int,
  /** Expected bytes (the engine's image size; the archive is a little larger), or null. */
  total: Nullable(int),
  /** The stored image, once done. */
  image: Nullable(imageSummarySchema),
  error: Nullable(Type.Object({ code: str, message: str })),
});

export const dockerLoadResultSchema = Type.Object({
  /** The name Docker loaded it as (`alpyne:latest`), or the image id when it has no tag. */
  loaded: str,
  /** Every name Docker reported. */
  tags: Type.Array(str),
});

const arg = Type.String({ maxLength: 8192 });
export const dockerRunRequestSchema = Type.Object({
  ref: dockerRefSchema,
  /** Replaces the image's CMD. */
  cmd: Type.Optional(Type.Array(arg, { maxItems: 256 })),
  /** Replaces the image's ENTRYPOINT (`[""]` clears it). */
  entrypoint: Type.Optional(Type.Array(arg, { maxItems: 256 })),
  /** `KEY=value` items added to the image's environment. */
  env: Type.Optional(Type.Array(Type.String({ maxLength: 8192, pattern: '^[^=\\x00]+=' }), { maxItems: 256 })),
  /** Allocate a TTY and keep stdin open: attach to it with the websocket. */
  tty: Type.Optional(bool),
}, { additionalProperties: false });

export const dockerRunStateSchema = StringEnum(['created', 'running', 'exited', 'stopped', 'failed']);

export const dockerRunLimitsSchema = Type.Object({
  memoryBytes: int,
  pids: int,
  /** Wall-clock seconds before the container is stopped. */
  seconds: int,
});

export const dockerRunSchema = Type.Object({
  id: str,
  /** The container's id. */
  containerId: str,
  ref: str,
  tty: bool,
  /** created: a TTY run waiting for its terminal; stopped: stopped by a person or the time limit. */
  state: dockerRunStateSchema,
  exitCode: Nullable(int),
  /** stdout and stderr as they arrived (non-TTY runs; bounded, see `truncated`). */
  output: str,
  stdout: str,
  stderr: str,
  truncated: bool,
  error: Nullable(str),
  startedAt: Nullable(str),
  finishedAt: Nullable(str),
  limits: dockerRunLimitsSchema,
});
