import type { ArchiveEntry, ImageDetail } from '@peel/api';
import { links } from '../../app/links.js';
import type { DigestResolver } from './JsonViewer.js';

/**
 * Where digests lead in this image: a blob in the archive, the config view, or a layer (a diff_id
 * names the uncompressed layer, which may not be a blob of its own).
 */
export function digestResolver(image: ImageDetail, archive: ArchiveEntry[] | undefined): DigestResolver {
  const byDigest = new Map<string, string>();
  for (const entry of archive ?? []) {
    if (entry.digest && entry.type === 'file' && !byDigest.has(entry.digest)) byDigest.set(entry.digest, entry.path);
  }
  const layerByDiffId = new Map(image.layers.map((l) => [l.diffId, l.index]));
  return (digest) => {
    const path = byDigest.get(digest);
    if (path) return links.archive(image.id, path);
    const layer = layerByDiffId.get(digest);
    if (layer !== undefined) return links.layerFiles(image.id, layer);
    const stored = image.layers.find((l) => l.digest === digest);
    if (stored) return links.layerFiles(image.id, stored.index);
    if (digest === image.configDigest) return links.config(image.id);
    return null;
  };
}
