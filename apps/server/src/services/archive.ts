import type { ArchiveEntry } from '@peel/api';
import type { BlobStore } from '@peel/engine';
import type { Db } from '../store/db.js';
import { ArchiveRepo, type ArchiveEntryRow } from '../store/archive-repo.js';
import { decodeName, encodeName, MAX_LINK_HOPS } from '@peel/engine';
import { linkTargetPath, splitPath, toEnginePath } from '../store/image-path.js';
import { badRequest, notFound } from '../errors.js';
import type { ContentHandle } from './content.js';
import type { ImagesService } from './images.js';

/** The uploaded archive itself: its entries and their bytes (kept as blobs). */
export class ArchiveService {
  private readonly repo: ArchiveRepo;

  constructor(db: Db, private readonly store: BlobStore, private readonly images: ImagesService) {
    this.repo = new ArchiveRepo(db);
  }

  entries(id: string): ArchiveEntry[] {
    const image = this.images.require(id);
    const layerByDigest = new Map(this.images.repo.layers(image.key).map((l) => [l.digest, l.idx]));
    return this.repo.entries(image.key).map((e) => {
      const out: ArchiveEntry = {
        path: decodeName(e.path),
        type: e.type as ArchiveEntry['type'],
        size: e.size,
        role: e.role,
        digest: e.digest,
        linkTarget: e.link_target === null ? null : decodeName(e.link_target),
        label: e.label,
        mediaType: e.media_type,
      };
      const layer = e.role === 'layer' && e.digest ? layerByDigest.get(e.digest) : undefined;
      if (layer !== undefined) out.layer = layer;
      return out;
    });
  }

  /** An entry of the uploaded archive itself (manifest.json, a config, a layer blob…). */
  file(id: string, path: string): ContentHandle & { entry: ArchiveEntryRow } {
    const { key } = this.images.require(id);
    let current = toEnginePath(path);
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const entry = this.repo.entry(key, encodeName(current));
      if (!entry) throw notFound(`the archive of image ${id} has no ${path}`);
      if ((entry.type === 'symlink' || entry.type === 'hardlink') && entry.link_target !== null) {
        const target = decodeName(entry.link_target);
        current = linkTargetPath(current, target, entry.type === 'hardlink');
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
