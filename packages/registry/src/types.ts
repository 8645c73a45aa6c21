/**
 * What the rest of Peel sees of a registry: a reference names a manifest; a manifest lists blobs;
 * a client reads (and writes) them with the credentials and transport rules of its options.
 */
import type { Readable } from 'node:stream';

/** `host[:port]/repository[:tag][@sha256:…]`, normalised (Docker Hub's short names expanded). */
export interface ImageReference {
  /** `registry-1.docker.io`, `127.0.0.1:5000`, … */
  registry: string;
  /** `library/alpine`, `team/app` */
  repository: string;
  tag: string | null;
  digest: string | null;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

/** A manifest as the registry served it: the exact bytes (digests are of these), parsed. */
export interface FetchedManifest {
  mediaType: string;
  digest: string;
  bytes: Buffer;
  /** Set for an image manifest (OCI or Docker v2 schema 2). */
  image: { config: Descriptor; layers: Descriptor[] } | null;
  /** Set for an index / manifest list. */
  index: { manifests: Descriptor[] } | null;
}

export interface TagPage {
  tags: string[];
  /** The `last` of the next page, or null when this is the last one. */
  next: string | null;
}

/** Credentials for one registry: typed in for one session, or read from a Docker config. */
export type Credentials = { username: string; password: string } | { identityToken: string };

export interface RegistryClientOptions {
  /** Per-registry credentials; absent means anonymous (or the Docker config's, when read). */
  credentials?: (registry: string) => Credentials | null;
  /** Registries reached over plain HTTP (loopback ones always may be). */
  insecure?: readonly string[];
  /** Extra CA certificates (PEM) trusted besides the system's. */
  ca?: string | Buffer;
  /** Bounds for hostile registries. */
  limits?: Partial<RegistryLimits>;
  /** Blobs up to this size are pushed in one PUT, bigger ones in PATCHes of this size (default 8 MiB). */
  uploadChunkBytes?: number;
}

export interface RegistryLimits {
  maxManifestBytes: number;
  maxRedirects: number;
  maxAuthRetries: number;
  /** A response that sends no byte for this long is abandoned. */
  idleTimeoutMs: number;
  /** A small response (manifest, token, tag list, upload step) not complete after this long is abandoned. */
  responseTimeoutMs: number;
}

export interface RegistryClient {
  /** Fetches a manifest by tag or digest (all four manifest types accepted), digest-checked. */
  manifest(ref: ImageReference, signal?: AbortSignal): Promise<FetchedManifest>;
  /** Picks one image manifest of an index for a platform (default: the host's). */
  resolveImage(ref: ImageReference, platform?: Platform, signal?: AbortSignal): Promise<FetchedManifest>;
  /** The blob's bytes as a stream that errors if they do not match `digest` or `size`. */
  blob(ref: ImageReference, descriptor: Pick<Descriptor, 'digest' | 'size'>, signal?: AbortSignal): Promise<Readable>;
  tags(repository: Omit<ImageReference, 'tag' | 'digest'>, page?: { n?: number; last?: string }, signal?: AbortSignal): Promise<TagPage>;
  /** True when the repository holds this blob (HEAD). */
  hasBlob(ref: ImageReference, digest: string, signal?: AbortSignal): Promise<boolean>;
  /**
   * Puts a blob: skipped when present, cross-mounted from `mountFrom` when that repository has
   * it, else uploaded (monolithic when small, chunked PATCHes when big).
   */
  pushBlob(
    ref: ImageReference,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    open: () => Promise<Readable>,
    options?: { mountFrom?: string; onProgress?: (bytes: number) => void; signal?: AbortSignal },
  ): Promise<'exists' | 'mounted' | 'uploaded'>;
  /** Puts a manifest under the reference's tag (or its digest); returns the digest. */
  pushManifest(ref: ImageReference, mediaType: string, bytes: Buffer, signal?: AbortSignal): Promise<string>;
}
