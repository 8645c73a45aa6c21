import type { ArchiveEntry, ImageDetail } from '@peel/api';
import { links } from '../../app/links.js';
import { cleanArchivePath } from './archive-tree.js';
import type { LinkResolver } from '../json/index.js';

const DIGEST = /^sha(256|384|512):[a-f0-9]{32,128}$/;

/**
 * Where strings in this image's JSON lead: a digest to its blob in the archive, the config view
 * or a layer (a diff_id names the uncompressed layer, which may not be a blob of its own); a
 * path such as `manifest.json`'s `Config` or `Layers` entries to that archive file.
 */
export function archiveLinkResolver(image: ImageDetail, archive: ArchiveEntry[] | undefined): LinkResolver {
  const byDigest = new Map<string, string>();
  const paths = new Set<string>();
  for (const entry of archive ?? []) {
    const path = cleanArchivePath(entry.path);
    if (entry.type !== 'dir') paths.add(path);
    if (entry.digest && entry.type === 'file' && !byDigest.has(entry.digest)) byDigest.set(entry.digest, path);
  }
  const layerByDiffId = new Map(image.layers.map((l) => [l.diffId, l.index]));
  const layerByDigest = new Map(image.layers.map((l) => [l.digest, l.index]));
  return (value) => {
    if (!DIGEST.test(value)) return paths.has(cleanArchivePath(value)) ? links.archive(image.id, cleanArchivePath(value)) : null;
    // A diff_id names a layer's contents: its files are what a reader wants.
    const byDiffId = layerByDiffId.get(value);
    if (byDiffId !== undefined) return links.layerFiles(image.id, byDiffId);
    const path = byDigest.get(value);
    if (path) return links.archive(image.id, path);
    const layer = layerByDigest.get(value);
    if (layer !== undefined) return links.layerFiles(image.id, layer);
    if (value === image.configDigest) return links.config(image.id);
    return null;
  };
}
