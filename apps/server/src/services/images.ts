import type { ImageDetail, ImageSummary, LayerInfo, Problem } from '@peel/api';
import type { ImageLayer, ImageRecord, Store, StoredImage } from '../store/index.js';
import { notFound } from '../errors.js';
import type { WriteQueue } from './write-queue.js';
import type { BlobCollector } from './blob-collector.js';

/** Listing, describing and deleting stored images. */
export class ImagesService {
  private readonly deleteListeners: Array<(id: string) => void> = [];

  constructor(private readonly store: Store, private readonly queue: WriteQueue, private readonly collector: BlobCollector, private readonly chunkRows: number) {}

  async list(): Promise<ImageSummary[]> {
    return (await this.store.images.list()).map(summary);
  }

  /** A ready image, or 404. */
  async require(id: string): Promise<StoredImage> {
    const image = await this.store.images.get(id);
    if (!image) throw notFound(`no image ${JSON.stringify(id)}`);
    return image;
  }

  /** A ready image's layers by index, or 404. */
  async layers(id: string): Promise<ImageLayer[]> {
    const layers = await this.store.images.layers(id);
    if (layers.length === 0 && !(await this.store.images.exists(id))) throw notFound(`no image ${JSON.stringify(id)}`);
    return layers;
  }

  async summary(id: string): Promise<ImageSummary> {
    return summary(await this.require(id));
  }

  async detail(id: string): Promise<ImageDetail> {
    const image = await this.require(id);
    const layers = await this.store.images.layers(id);
    const stored = new Map<string, string>();
    for (const other of await this.store.images.list()) {
      if (other.archiveDigest === image.archiveDigest && other.manifestDigest) stored.set(other.manifestDigest, other.id);
    }
    return {
      ...summary(image),
      platforms: image.platforms.map((p) => ({ ...p, imageId: (p.manifestDigest && stored.get(p.manifestDigest)) || null })),
      manifestDigest: image.manifestDigest,
      configDigest: image.configDigest,
      config: JSON.parse(image.configRaw.toString('utf8')) as Record<string, unknown>,
      layers: layers.map(layerInfo),
      history: image.history,
      problems: [...image.problems, ...layers.flatMap(layerProblems)],
      archiveSize: image.archiveSize,
      outerCompression: image.outerCompression,
    };
  }

  /** Hides the image at once, then removes its rows and the blobs nobody else uses. */
  async delete(id: string): Promise<void> {
    const blobs = await this.queue.run(() => this.store.images.delete(id, { chunkRows: this.chunkRows }));
    if (blobs === null) throw notFound(`no image ${JSON.stringify(id)}`);
    for (const listener of this.deleteListeners) listener(id);
    await this.collector.release(blobs);
  }

  /** Calls `listener` with the id of each image this process deletes (what is kept of it in memory goes). */
  onDelete(listener: (id: string) => void): void {
    this.deleteListeners.push(listener);
  }
}

export function summary(image: ImageRecord): ImageSummary {
  return {
    id: image.id,
    name: image.name,
    tags: image.tags,
    format: image.format,
    platform: image.platform,
    size: image.size,
    layerCount: image.layerCount,
    createdAt: image.createdAt,
    archiveDigest: image.archiveDigest,
    fileCount: image.fileCount,
  };
}

function layerInfo(l: ImageLayer): LayerInfo {
  return {
    index: l.index,
    digest: l.layerDigest,
    diffId: l.diffId,
    mediaType: l.mediaType,
    size: l.size,
    uncompressedSize: l.uncompressedSize,
    entryCount: l.entryCount,
    contentSize: l.contentSize,
    history: l.history,
    compression: l.compression,
    archivePath: l.archivePath,
  };
}

function layerProblems(l: ImageLayer): Problem[] {
  return l.problems.map((p) => ({ ...p, layer: l.index }));
}
