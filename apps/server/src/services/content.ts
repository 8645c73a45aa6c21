import type { Readable } from 'node:stream';
import { decodeName, MAX_LINK_HOPS, openEntryContent, type BlobStore } from '@peel/engine';
import type { FsRepo, LayerEntryRow } from '../store/fs-repo.js';
import { linkTargetPath, splitPath, toApiPath, toEnginePath } from '../store/image-path.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { toLayerEntry } from './entries.js';
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
    private readonly store: BlobStore,
    private readonly images: ImagesService,
    private readonly fs: FsService,
  ) {}

  private get repo(): FsRepo {
    return this.fs.repo;
  }

  file(id: string, apiPath: string, layerIndex?: number): ContentHandle {
    const path = toEnginePath(apiPath);
    if (path === '') throw badRequest('NOT_A_FILE', '/ is a directory');
    if (layerIndex !== undefined) return this.layerFile(id, path, layerIndex);
    const { key } = this.images.require(id);
    const resolved = resolveInImage(this.repo, key, path);
    if (!resolved || !resolved.node) throw notFound(`no ${apiPath} in image ${id}`);
    const node = resolved.node;
    if (node.content_layer === null || node.content_seq === null) {
      if (node.type === 'hardlink') throw new ApiError(404, 'NOT_FOUND', `${apiPath} is a hard link to ${node.link_target === null ? '?' : toApiPath(decodeName(node.link_target))}, which does not exist`);
      throw badRequest('NOT_A_FILE', `${apiPath} is a ${node.type}, not a file`);
    }
    const layers = this.images.repo.layers(key);
    const layer = layers[node.content_layer];
    const entry = layer && this.repo.entryBySeq(layer.layer, node.content_seq);
    if (!entry) throw new Error(`index of image ${id} lost the content of ${apiPath}`);
    return this.handle(splitPath(resolved.path).name, layer.tar_blob, entry);
  }

  /** A file as one layer wrote it. Links resolve within that layer's own entries. */
  private layerFile(id: string, path: string, n: number): ContentHandle {
    const { layer } = this.fs.layerOf(id, n);
    let current = path;
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const entry = this.repo.layerEntry(layer.layer, current);
      if (!entry) throw notFound(`layer ${n} of image ${id} has no ${toApiPath(current)}`);
      if (entry.type === 'file') return this.handle(splitPath(current).name, layer.tar_blob, entry);
      if ((entry.type === 'symlink' || entry.type === 'hardlink') && entry.link_target !== null) {
        const target = decodeName(entry.link_target);
        current = linkTargetPath(current, target, entry.type === 'hardlink');
        continue;
      }
      throw badRequest('NOT_A_FILE', `${toApiPath(current)} is a ${entry.type} in layer ${n}, not a file`);
    }
    throw badRequest('LINK_LOOP', `too many links from ${toApiPath(path)} in layer ${n}`);
  }

  private handle(name: string, tarBlob: string, row: LayerEntryRow): ContentHandle {
    const entry = toLayerEntry(row);
    return {
      name,
      size: entry.size,
      digest: entry.digest,
      open: (range) => openEntryContent(this.store, tarBlob, entry, range),
    };
  }
}
