import type { Readable } from 'node:stream';
import { MAX_LINK_HOPS, openEntryContent, type BlobStore, type LayerEntry } from '@peel/engine';
import type { Store } from '../store/index.js';
import { linkTargetPath, splitPath, toApiPath, toEnginePath } from '../store/image-path.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { resolveInImage } from './resolve.js';
import type { FsService } from './fs.js';
import type { ImagesService } from './images.js';

/** Bytes to send: their length, a content hash when known, and an opener for a byte range. */
export interface ContentHandle {
  name: string;
  size: number;
  digest: string | null;
  open(range?: { start: number; end: number }): Readable;
}

/** File bytes from the merged view, one layer, or the outer archive; never from the host. */
export class ContentService {
  constructor(
    private readonly index: Store,
    private readonly store: BlobStore,
    private readonly images: ImagesService,
    private readonly fs: FsService,
  ) {}

  async file(id: string, apiPath: string, layerIndex?: number): Promise<ContentHandle> {
    const path = toEnginePath(apiPath);
    if (path === '') throw badRequest('NOT_A_FILE', '/ is a directory');
    if (layerIndex !== undefined) return this.layerFile(id, path, layerIndex);
    const layers = await this.images.layers(id);
    const resolved = await resolveInImage(this.index, id, path);
    if (!resolved || !resolved.node) throw notFound(`no ${apiPath} in image ${id}`);
    const node = resolved.node;
    if (node.contentLayer === null || node.contentSeq === null) {
      if (node.type === 'hardlink') throw new ApiError(404, 'NOT_FOUND', `${apiPath} is a hard link to ${node.linkTarget === null ? '?' : toApiPath(node.linkTarget)}, which does not exist`);
      throw badRequest('NOT_A_FILE', `${apiPath} is a ${node.type}, not a file`);
    }
    const layer = layers[node.contentLayer];
    const stored = layer && (await this.index.fs.entryBySeq(layer.layerDigest, node.contentSeq));
    if (!stored) throw new Error(`index of image ${id} lost the content of ${apiPath}`);
    return this.handle(splitPath(resolved.path).name, layer.tarBlob, stored.entry);
  }

  /** A file as one layer wrote it. Links resolve within that layer's own entries. */
  private async layerFile(id: string, path: string, n: number): Promise<ContentHandle> {
    const layer = await this.fs.layerOf(id, n);
    let current = path;
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const stored = await this.index.fs.layerEntry(layer.layerDigest, current);
      if (!stored) throw notFound(`layer ${n} of image ${id} has no ${toApiPath(current)}`);
      const entry = stored.entry;
      if (entry.type === 'file') return this.handle(splitPath(current).name, layer.tarBlob, entry);
      if ((entry.type === 'symlink' || entry.type === 'hardlink') && entry.linkTarget !== null) {
        current = linkTargetPath(current, entry.linkTarget, entry.type === 'hardlink');
        continue;
      }
      throw badRequest('NOT_A_FILE', `${toApiPath(current)} is a ${entry.type} in layer ${n}, not a file`);
    }
    throw badRequest('LINK_LOOP', `too many links from ${toApiPath(path)} in layer ${n}`);
  }

  private handle(name: string, tarBlob: string, entry: LayerEntry): ContentHandle {
    return {
      name,
      size: entry.size,
      digest: entry.digest,
      open: (range) => openEntryContent(this.store, tarBlob, entry, range),
    };
  }
}
