import type { Static } from '@sinclair/typebox';
import type * as S from './schemas/index.js';

// ---- Registry ------------------------------------------------------------------------------
//
// Peel reads images straight from a registry (the OCI distribution API; no Docker daemon).
// A reference is `host[:port]/repository[:tag][@sha256:…]`; Docker Hub's short names work too.
//   GET    /api/registry/manifest?ref=[&platform=os/arch]   RegistryManifest: media type, digest,
//          platforms (an index) and the image manifest's config, history and layers with sizes
//   GET    /api/registry/tags?repo=host/repo&paged=1[&limit=N][&cursor=C][&details=1]   RegistryTagsPage
//          (details=1: each tag's digest, media type, platforms and size, or its own error)
//   POST   /api/registry/open-jobs           { ref, platform? } → 202 RegistryOpenJob
//   GET    /api/registry/open-jobs/:id       RegistryOpenJob (poll it: per-layer bytes; `done` with `image`, `failed` with `error`)
//   GET    /api/registry/open-jobs/:id/layers/:n/fs?path=[&paged=1…]   FsEntry[] | FsPage: layer n's own
//          folders while the open goes on, once the job says the layer is `indexed` (409 before, and
//          once the open failed or was cancelled); the shape of /api/images/:id/fs?layer=n
//   DELETE /api/registry/open-jobs/:id       cancel it (nothing of it is kept)
//   GET    /api/registry/logins              RegistryLogin[]: registries with session credentials (never the secrets)
//   PUT    /api/registry/logins              { registry, username, password } → 204: credentials for this server's session
//   DELETE /api/registry/logins?registry=    forget them
// Credentials come from the user's Docker config (`$DOCKER_CONFIG/config.json`, else
// `~/.docker/config.json`) or are typed in for the session: kept in memory only, never written
// to the database, never logged, never returned. The layers stream into the same one-pass
// ingest as an upload; a blob the store holds already (same digest) is read from the store.
// Errors: 400 BAD_REFERENCE; 404 for a manifest, tag or repository the registry does not have;
// 502 REGISTRY_ERROR when the registry fails or answers something refused (digest mismatch,
// oversized manifest, redirect or auth loop); 401-like refusals are 502 REGISTRY_AUTH.
// Requests from another site's page are refused on these routes even for GET (they reach out to
// other hosts: a page must not use Peel as a proxy).

/** `GET /api/registry/manifest` */
export type RegistryManifest = Static<typeof S.registryManifestSchema>;
export type RegistryImageManifest = Static<typeof S.registryImageManifestSchema>;
export type RegistryDescriptor = Static<typeof S.registryDescriptorSchema>;
export type RegistryPlatformChoice = Static<typeof S.registryPlatformChoiceSchema>;
export type RegistryHistoryStep = Static<typeof S.registryHistoryStepSchema>;
/** `GET /api/registry/tags?paged=1` */
export type RegistryTagsPage = Static<typeof S.registryTagsPageSchema>;
export type RegistryTag = Static<typeof S.registryTagSchema>;
export type RegistryTagDetails = Static<typeof S.registryTagDetailsSchema>;
/** `POST /api/registry/open-jobs` body. */
export type RegistryOpenRequest = Static<typeof S.registryOpenRequestSchema>;
/** The progress of opening an image from a registry (a server-side ingest), layer by layer. */
export type RegistryOpenJob = Static<typeof S.registryOpenJobSchema>;
export type RegistryLayerProgress = Static<typeof S.registryLayerProgressSchema>;
export type RegistryLayerState = Static<typeof S.registryLayerStateSchema>;
/** `PUT /api/registry/logins` body. */
export type RegistryLoginRequest = Static<typeof S.registryLoginRequestSchema>;
/** `GET /api/registry/logins` items. */
export type RegistryLogin = Static<typeof S.registryLoginSchema>;
