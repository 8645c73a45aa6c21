import type { ImageSummary } from './index.js';

// ---- Docker integration (issue 9) ---------------------------------------------------------
//
// Peel talks to the local Docker engine (DOCKER_HOST or /var/run/docker.sock). Without one,
// `GET /api/docker` says why and every other /api/docker route answers 503 DOCKER_UNAVAILABLE.
//   GET    /api/docker                         DockerStatus
//   GET    /api/docker/images                  DockerImage[]
//   GET    /api/docker/images/lookup?ref=      DockerImageLookup (is that name taken in the engine?)
//   POST   /api/docker/images/open             { ref } → 201 ImageSummary (waits for the ingest)
//   POST   /api/docker/open-jobs               { ref } → 202 DockerOpenJob (the same, in the background)
//   GET    /api/docker/open-jobs/:id           DockerOpenJob (poll it for the progress bar)
//   DELETE /api/docker/open-jobs/:id           cancel it
//   POST   /api/images/:id/export/docker?mode=&tag=   → DockerLoadResult (`docker load` of the export)
//   POST   /api/docker/runs                    DockerRunRequest → 201 DockerRun
//   GET    /api/docker/runs/:id                DockerRun
//   DELETE /api/docker/runs/:id                stop it (the container is removed)
//   GET    /api/docker/runs/:id/attach         websocket to a TTY run (see DockerAttachControl)

/** `GET /api/docker` */
export interface DockerStatus {
  available: boolean;
  /** Where Peel looks for the engine, e.g. `unix:///var/run/docker.sock`. */
  host: string;
  /** The engine's version (`28.2.2`), when available. */
  version: string | null;
  /** The Engine API version Peel speaks with it. */
  apiVersion: string | null;
  /** Why the engine cannot be used, when not available. */
  reason: string | null;
  /** Containers may be run from this server (it binds loopback, or runs were switched on with PEEL_DOCKER_RUNS=1). */
  runs: boolean;
  /** Why runs are off, when they are. */
  runsReason: string | null;
}

/** `GET /api/docker/images` items: one per image id, with all of its tags. */
export interface DockerImage {
  /** `sha256:…` */
  id: string;
  /** `repo:tag` names; empty for an untagged image. */
  tags: string[];
  /** What to open or run it by: its first tag, else its id. */
  ref: string;
  /** Bytes, as `docker images` reports them. */
  size: number;
  /** ISO time the image was built. */
  created: string;
}

/** `GET /api/docker/images/lookup?ref=`: what a name points at in the engine, if anything. */
export interface DockerImageLookup {
  /** The name asked about, as given. */
  ref: string;
  /** The image the engine has under that name (loading another image by it takes the name over), or null. */
  image: DockerImage | null;
}

export interface DockerOpenRequest {
  /** A tag (`alpine:3.20`), a digest reference, or an image id. */
  ref: string;
}

/** The progress of opening an image from Docker (a server-side ingest). */
export interface DockerOpenJob {
  id: string;
  ref: string;
  /** streaming: bytes are coming from Docker; indexing: all arrived, the store is being written. */
  state: 'streaming' | 'indexing' | 'done' | 'failed' | 'cancelled';
  /** Bytes of the `docker save` stream received so far. */
  loaded: number;
  /** Expected bytes (the engine's image size; the archive is a little larger), or null. */
  total: number | null;
  /** The stored image, once done. */
  image: ImageSummary | null;
  error: { code: string; message: string } | null;
}

/** `POST /api/images/:id/export/docker` reply. */
export interface DockerLoadResult {
  /** The name Docker loaded it as (`alpyne:latest`), or the image id when it has no tag. */
  loaded: string;
  /** Every name Docker reported. */
  tags: string[];
}

/** `POST /api/docker/runs` body. */
export interface DockerRunRequest {
  ref: string;
  /** Replaces the image's CMD. */
  cmd?: string[];
  /** Replaces the image's ENTRYPOINT (`[""]` clears it). */
  entrypoint?: string[];
  /** `KEY=value` items added to the image's environment. */
  env?: string[];
  /** Allocate a TTY and keep stdin open: attach to it with the websocket. */
  tty?: boolean;
}

export type DockerRunState = 'created' | 'running' | 'exited' | 'stopped' | 'failed';

/** `GET /api/docker/runs/:id` */
export interface DockerRun {
  id: string;
  /** The container's id. */
  containerId: string;
  ref: string;
  tty: boolean;
  /** created: a TTY run waiting for its terminal; stopped: stopped by a person or the time limit. */
  state: DockerRunState;
  exitCode: number | null;
  /** stdout and stderr as they arrived (non-TTY runs; bounded, see `truncated`). */
  output: string;
  stdout: string;
  stderr: string;
  truncated: boolean;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  limits: DockerRunLimits;
}

/** What every run is held to (besides --network none, no mounts, no privileges). */
export interface DockerRunLimits {
  memoryBytes: number;
  pids: number;
  /** Wall-clock seconds before the container is stopped. */
  seconds: number;
}

/**
 * Text frames the terminal sends on the attach websocket (binary frames are keystrokes, and
 * binary frames from the server are the terminal's output). The server sends
 * `{ type: 'exit', exitCode }` as a text frame before closing.
 */
export type DockerAttachControl = { type: 'resize'; cols: number; rows: number };
export type DockerAttachEvent = { type: 'exit'; exitCode: number | null; state: DockerRunState };
