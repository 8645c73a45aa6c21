import type { Readable } from 'node:stream';
import type { RegistryHistoryStep, RegistryImageManifest, RegistryManifest, RegistryPlatformChoice, RegistryTag, RegistryTagsPage } from '@peel/api';
import { describeError } from '../http/error-handler.js';
import {
  describeTags, formatPlatform, formatReference, hostPlatform, imageSize, indexImages, normalizeRegistry, parsePlatform, parseReference, parseRepository, pickPlatform,
  type Credentials, type Descriptor, type FetchedManifest, type ImageReference, type Platform, type RegistryClient,
} from '@peel/registry';
import { ApiError, badRequest, notFound } from '../errors.js';
import { registryError, toApiError } from './errors.js';

/** A config blob is JSON: bounded like the ingest bounds an archive's JSON files. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/**
 * Reading registries for the API: a manifest with its config (before any layer is fetched),
 * a repository's tags, and the credentials typed in for this session (in memory only: never
 * written, logged or returned).
 */
export class RegistryService {
  readonly client: RegistryClient;
  private readonly logins = new Map<string, Credentials>();

  /** `connect` makes the client with the credentials lookup it is given; `dockerCredentials`: the Docker config's. */
  constructor(connect: (credentials: (registry: string) => Credentials | null) => RegistryClient, dockerCredentials: (registry: string) => Credentials | null) {
    this.client = connect((registry) => this.logins.get(registry) ?? dockerCredentials(registry));
  }

  parse(ref: string): ImageReference {
    return parseWith(parseReference, ref);
  }

  /** `docker.io` and its aliases are one registry, as references name it. */
  login(registry: string, credentials: Credentials): void {
    this.logins.set(normalizeRegistry(registry), credentials);
    // Tokens the old credentials earned must not outlive them.
    this.client.forget(normalizeRegistry(registry));
  }

  logout(registry: string): void {
    if (!this.logins.delete(normalizeRegistry(registry))) throw notFound(`no credentials for ${registry} in this session`);
    this.client.forget(normalizeRegistry(registry));
  }

  loggedIn(): Array<{ registry: string }> {
    return [...this.logins.keys()].sort().map((registry) => ({ registry }));
  }

  async manifest(refText: string, platformText?: string, signal?: AbortSignal): Promise<RegistryManifest> {
    const ref = this.parse(refText);
    const wanted = platformText ? platformOf(platformText) : undefined;
    return registryError(async () => {
      const top = await this.client.manifest(ref, signal);
      let platforms: RegistryPlatformChoice[] | null = null;
      let image: FetchedManifest | null = top.image ? top : null;
      if (top.index) {
        platforms = indexPlatforms(top.index.manifests);
        const pick = pickPlatform(top.index.manifests, wanted ?? hostPlatform());
        if (!pick && wanted) throw notFound(`${formatReference(ref)} has no ${platformText} image (platforms: ${platforms.map((p) => p.name).join(', ') || 'none'})`);
        image = pick ? await this.client.manifest({ ...ref, tag: null, digest: pick.digest }, signal) : null;
        if (image && !image.image) throw new ApiError(502, 'REGISTRY_ERROR', `${formatReference(ref)}: the ${formatPlatform(pick!.platform!)} entry of its index is another index (${image.mediaType}), not an image`);
      } else if (!top.image) {
        throw new ApiError(502, 'REGISTRY_ERROR', `${formatReference(ref)} is a ${top.mediaType}, neither an image manifest nor an index`);
      }
      return {
        ref: formatReference(ref),
        registry: ref.registry,
        repository: ref.repository,
        tag: ref.tag,
        mediaType: top.mediaType,
        digest: top.digest,
        platforms,
        image: image ? await this.describeImage(ref, image, signal) : null,
      };
    });
  }

  /** A page of tags; with `details`, each tag's manifest is read too (TAG_DETAILS_AT_ONCE at a time). */
  async tags(repoText: string, page: { limit: number; cursor?: string; details?: boolean }, signal?: AbortSignal): Promise<RegistryTagsPage> {
    const repo = parseWith(parseRepository, repoText);
    return registryError(async () => {
      const got = await this.client.tags(repo, { n: page.limit, last: page.cursor }, signal);
      const base = formatReference({ ...repo, tag: null, digest: null });
      const items: RegistryTag[] = got.tags.map((tag) => ({ tag, ref: `${base}:${tag}` }));
      if (page.details) {
        // One tag that cannot be read says why in its own `error`: it never fails the page.
        const described = await describeTags(this.client, repo, got.tags, signal);
        described.forEach((d, i) => Object.assign(items[i], d.details ? { ...d.details, error: null } : { ...NO_DETAILS, error: errorOf(d.error) }));
      }
      return { repository: base, items, next: got.next };
    });
  }

  /** The image config's bytes (bounded: it is JSON the registry chose). */
  async readConfig(ref: ImageReference, config: Descriptor, signal?: AbortSignal): Promise<Buffer> {
    if (config.size > MAX_CONFIG_BYTES) throw new ApiError(502, 'REGISTRY_ERROR', `the image config ${config.digest} is ${config.size} bytes, over the limit of ${MAX_CONFIG_BYTES}`);
    return readAll(await this.client.blob(ref, config, signal));
  }

  private async describeImage(ref: ImageReference, m: FetchedManifest, signal?: AbortSignal): Promise<RegistryImageManifest> {
    const { config, layers } = m.image!;
    const parsed = parseConfig(await this.readConfig(ref, config, signal), config.digest);
    return {
      mediaType: m.mediaType,
      digest: m.digest,
      platform: parsed.platform,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
      size: imageSize(m.image!),
      created: parsed.created,
      history: parsed.history,
    };
  }
}

/** A tag's own failure, as the API would answer it. */
function errorOf(e: unknown): { code: string; message: string } {
  const { code, message } = describeError(toApiError(e)).body.error;
  return { code, message };
}

/** An index's images as the API lists them. */
function indexPlatforms(manifests: readonly Descriptor[]): RegistryPlatformChoice[] {
  return indexImages(manifests).map((d) => ({
    mediaType: d.mediaType, digest: d.digest, size: d.size, platform: d.platform!, name: formatPlatform(d.platform),
  }));
}

const NO_DETAILS = { digest: null, mediaType: null, platforms: null, size: null, sizePlatform: null };

/** What the API shows of a config: its platform, created time and history. */
export function parseConfig(bytes: Buffer, digest: string): { platform: Platform; created: string | null; history: RegistryHistoryStep[] } {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new ApiError(502, 'REGISTRY_ERROR', `the image config ${digest} is not JSON`);
  }
  if (!json || typeof json !== 'object') throw new ApiError(502, 'REGISTRY_ERROR', `the image config ${digest} is not a JSON object`);
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const history = Array.isArray(json.history) ? json.history : [];
  return {
    platform: { os: text(json.os) ?? 'unknown', architecture: text(json.architecture) ?? 'unknown', ...(text(json.variant) ? { variant: text(json.variant)! } : {}) },
    created: text(json.created),
    history: history.map((h: Record<string, unknown> | null) => ({
      created: text(h?.created),
      createdBy: text(h?.created_by) ?? '',
      emptyLayer: h?.empty_layer === true,
    })),
  };
}

/** `os/arch[/variant]` → a Platform (the route's pattern has checked its shape). */
export function platformOf(text: string): Platform {
  const p = parsePlatform(text);
  if (!p) throw badRequest('BAD_PLATFORM', `${JSON.stringify(text)} is not a platform (os/arch[/variant])`);
  return p;
}

function parseWith<T>(parse: (text: string) => T, text: string): T {
  try {
    return parse(text);
  } catch (e) {
    throw toApiError(e);
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
