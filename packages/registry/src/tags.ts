/** What a repository's tags point at: each tag's manifest read, a few at a time. */
import { RegistryError } from './errors.js';
import { formatReference } from './reference.js';
import { formatPlatform, hostPlatform, pickPlatform } from './platform.js';
import type { Descriptor, ImageReference, RegistryClient } from './types.js';

/** Tags whose manifests are read at once. */
export const TAG_DETAILS_AT_ONCE = 4;

export interface TagDetails {
  /** The digest of the tag's manifest (an index's own for an index). */
  digest: string;
  mediaType: string;
  /** An index's platforms (`os/arch[/variant]`, attestations left out); null for an image manifest. */
  platforms: string[] | null;
  /** Config and layers of the image manifest; for an index, of its image for the host (null when it has none). */
  size: number | null;
  /** For an index: the platform `size` is of; null for an image manifest or an index without the host's. */
  sizePlatform: string | null;
}

/** One tag: its details, or why its manifest could not be read. */
export type TagDescription = { tag: string; details: TagDetails; error: null } | { tag: string; details: null; error: unknown };

/** An index's images: attestations (platform unknown/unknown) left out. */
export function indexImages(manifests: readonly Descriptor[]): Descriptor[] {
  return manifests.filter((d) => d.platform && d.platform.os !== 'unknown');
}

/** The bytes an image manifest names: its config and its layers. */
export function imageSize(image: { config: Descriptor; layers: readonly Descriptor[] }): number {
  return image.config.size + image.layers.reduce((sum, l) => sum + l.size, 0);
}

/** What a reference's manifest says: digest, media type, an index's platforms, the size to download. */
export async function describeManifest(client: RegistryClient, ref: ImageReference, signal?: AbortSignal): Promise<TagDetails> {
  const top = await client.manifest(ref, signal);
  if (top.image) return { digest: top.digest, mediaType: top.mediaType, platforms: null, size: imageSize(top.image), sizePlatform: null };
  if (!top.index) throw new RegistryError('UNSUPPORTED_MEDIA_TYPE', `${formatReference(ref)} is a ${top.mediaType}, neither an image manifest nor an index`);
  const pick = pickPlatform(top.index.manifests, hostPlatform());
  const image = pick ? (await client.manifest({ ...ref, tag: null, digest: pick.digest }, signal)).image : null;
  return {
    digest: top.digest,
    mediaType: top.mediaType,
    platforms: indexImages(top.index.manifests).map((d) => formatPlatform(d.platform)),
    size: image ? imageSize(image) : null,
    sizePlatform: image ? formatPlatform(pick!.platform) : null,
  };
}

/**
 * Each tag's manifest, `atOnce` at a time, in the tags' order. A tag that cannot be read carries
 * its error: one bad tag never fails the others. Each read is bounded as every manifest read is.
 */
export async function describeTags(
  client: RegistryClient,
  repository: Omit<ImageReference, 'tag' | 'digest'>,
  tags: readonly string[],
  signal?: AbortSignal,
  atOnce = TAG_DETAILS_AT_ONCE,
): Promise<TagDescription[]> {
  const out: TagDescription[] = new Array(tags.length);
  let next = 0;
  const worker = async () => {
    while (next < tags.length) {
      const i = next++;
      const tag = tags[i];
      try {
        out[i] = { tag, details: await describeManifest(client, { ...repository, tag, digest: null }, signal), error: null };
      } catch (e) {
        if (signal?.aborted) throw e;
        out[i] = { tag, details: null, error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, tags.length) }, worker));
  return out;
}
