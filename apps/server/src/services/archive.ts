import type { ArchiveEntry } from '@peel/api';
import type { BlobStore } from '@peel/engine';
import { MAX_LINK_HOPS } from '@peel/engine';
import type { ArchiveEntryRecord, Store } from '../store/index.js';
import { linkTargetPath, splitPath, toEnginePath } from '../store/image-path.js';
import { badRequest, notFound } from '../errors.js';
import type { ContentHandle } from './content.js';
import type { ImagesService } from './images.js';

/** The uploaded archive itself: its entries and their bytes (kept as blobs). */
export class ArchiveService {
  constructor(private readonly index: Store, private readonly store: BlobStore, private readonly images: ImagesService) {}

  async entries(id: string): Promise<ArchiveEntry[]> {
    const layers = await this.images.layers(id);
    const layerByDigest = new Map(layers.map((l) => [l.layerDigest, l.index]));
    return (await this.index.archive.entries(id)).map((e) => {
      const out: ArchiveEntry = {
        path: e.path,
        type: e.type as ArchiveEntry['type'],
        size: e.size,
        role: e.role,
        digest: e.digest,
        linkTarget: e.linkTarget,
        label: e.label,
        mediaType: e.mediaType,
      };
      const layer = e.role === 'layer' && e.digest ? layerByDigest.get(e.digest) : undefined;
      if (layer !== undefined) out.layer = layer;
      return out;
    });
  }

  /** An entry of the uploaded archive itself (manifest.json, a config, a layer blob…). */
  async file(id: string, path: string): Promise<ContentHandle & { entry: ArchiveEntryRecord }> {
    await this.images.require(id);
    let current = toEnginePath(path);
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const entry = await this.index.archive.entry(id, current);
      if (!entry) throw notFound(`the archive of image ${id} has no ${path}`);
      if ((entry.type === 'symlink' || entry.type === 'hardlink') && entry.linkTarget !== null) {
        current = linkTargetPath(current, entry.linkTarget, entry.type === 'hardlink');
        continue;
      }
      if (entry.type !== 'file' || entry.digest === null) throw badRequest('NOT_A_FILE', `${path} is a ${entry.type} in the archive, not a file`);
      const digest = entry.digest;
      return {
        entry,
        name: splitPath(current).name,
        size: entry.size,
        digest,
        open: (range) => this.store.open(digest, range),
      };
    }
    throw badRequest('LINK_LOOP', `too many links from ${path} in the archive`);
  }
}
