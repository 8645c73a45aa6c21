import type { Static } from '@sinclair/typebox';
import type * as S from './schemas/index.js';

// ---- Docker integration ------------------------------------------------------------------
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
export type DockerStatus = Static<typeof S.dockerStatusSchema>;
/** `GET /api/docker/images` items: one per image id, with all of its tags. */
export type DockerImage = Static<typeof S.dockerImageSchema>;
/** `GET /api/docker/images/lookup?ref=`: what a name points at in the engine, if anything. */
export type DockerImageLookup = Static<typeof S.dockerImageLookupSchema>;
export type DockerOpenRequest = Static<typeof S.dockerOpenRequestSchema>;
/** The progress of opening an image from Docker (a server-side ingest). */
export type DockerOpenJob = Static<typeof S.dockerOpenJobSchema>;
/** `POST /api/images/:id/export/docker` reply. */
export type DockerLoadResult = Static<typeof S.dockerLoadResultSchema>;
/** `POST /api/docker/runs` body. */
export type DockerRunRequest = Static<typeof S.dockerRunRequestSchema>;
export type DockerRunState = Static<typeof S.dockerRunStateSchema>;
/** `GET /api/docker/runs/:id` */
export type DockerRun = Static<typeof S.dockerRunSchema>;
/** What every run is held to (besides --network none, no mounts, no privileges). */
export type DockerRunLimits = Static<typeof S.dockerRunLimitsSchema>;

/**
 * Text frames the terminal sends on the attach websocket (binary frames are keystrokes, and
 * binary frames from the server are the terminal's output). The server sends
 * `{ type: 'exit', exitCode }` as a text frame before closing.
 */
export type DockerAttachControl = { type: 'resize'; cols: number; rows: number };
export type DockerAttachEvent = { type: 'exit'; exitCode: number | null; state: DockerRunState };
