/**
 * @peel/registry: a client of the OCI distribution API (references, credentials, manifests, tags,
 * blobs, pushes) over Node's own http/https. Network I/O lives here, out of the pure engine.
 */
export type * from './types.js';
export { RegistryError, isRegistryError, type RegistryErrorCode } from './errors.js';
export { parseReference, parseRepository, formatReference, normalizeRegistry, checkDigest, isDigest, DOCKER_HUB } from './reference.js';
export { dockerConfigCredentials, dockerConfigPath, type DockerConfigOptions } from './docker-config.js';
export { parseChallenges, nextLink, type Challenge } from './challenge.js';
export { hostPlatform, platformMatches, parsePlatform, formatPlatform, pickPlatform } from './platform.js';
export { createRegistryClient, parseManifest, checkTarget, DEFAULT_REGISTRY_LIMITS, DEFAULT_UPLOAD_CHUNK_BYTES, type RegistryClientImpl } from './client.js';
export * from './media-types.js';
export { pushImage, type PushBlobSource, type PushBlobOutcome, type PushImageOptions, type PushedImage } from './push-image.js';
export { describeManifest, describeTags, imageSize, indexImages, TAG_DETAILS_AT_ONCE, type TagDescription, type TagDetails } from './tags.js';
