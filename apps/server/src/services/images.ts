import type { HistoryStep, ImageDetail, ImageSummary, LayerInfo, Platform, PlatformChoice, Problem } from '@peel/api';
import type { Db } from '../store/db.js';
import { ImagesRepo, type ImageLayerRow, type ImageRow } from '../store/images-repo.js';
import { purgeImage } from '../store/image-purge.js';
import { notFound } from '../errors.js';
import type { WriteQueue } from './write-queue.js';
import type { BlobCollector } from './blob-collector.js';

/** Listing, describing and deleting stored images. */
export class ImagesService {
  readonly repo: ImagesRepo;

  constructor(private readonly db: Db, private readonly queue: WriteQueue, private readonly collector: BlobCollector, private readonly chunkRows: number) {
    this.repo = new ImagesRepo(db);
  }

  list(): ImageSummary[] {
    return this.repo.list().map(summary);
  }

  /** The stored row of a ready image, or 404. */
  require(id: string): ImageRow {
    const row = this.repo.get(id);
    if (!row) throw notFound(`no image ${JSON.stringify(id)}`);
    return row;
  }

  summary(id: string): ImageSummary {
    return summary(this.require(id));
  }

  detail(id: string): ImageDetail {
    const row = this.require(id);
    const layers = this.repo.layers(row.key);
    const stored = new Map<string, string>();
    for (const other of this.repo.list()) {
      if (other.archive_digest === row.archive_digest && other.manifest_digest) stored.set(other.manifest_digest, other.id);
    }
    const platforms = (JSON.parse(row.platforms) as PlatformChoice[]).map((p) => ({ ...p, imageId: (p.manifestDigest && stored.get(p.manifestDigest)) || null }));
    return {
      ...summary(row),
      platforms,
      manifestDigest: row.manifest_digest,
      configDigest: row.config_digest,
      config: JSON.parse(row.config.toString('utf8')) as Record<string, unknown>,
      layers: layers.map(layerInfo),
      history: JSON.parse(row.history) as HistoryStep[],
      problems: [...(JSON.parse(row.problems) as Problem[]), ...layers.flatMap(layerProblems)],
      archiveSize: row.archive_size,
      outerCompression: row.outer_compression,
    };
  }

  /** Hides the image at once, then removes its rows and the blobs nobody else uses. */
  async delete(id: string): Promise<void> {
    const key = this.repo.hide(id);
    if (key === undefined) throw notFound(`no image ${JSON.stringify(id)}`);
    const blobs = await this.queue.run(() => purgeImage(this.db, key, this.chunkRows));
    await this.collector.release(blobs);
  }
}

export function summary(row: ImageRow): ImageSummary {
  return {
    id: row.id,
    name: row.name,
    tags: JSON.parse(row.tags) as string[],
    format: row.format,
    platform: JSON.parse(row.platform) as Platform,
    size: row.size,
    layerCount: row.layer_count,
    createdAt: row.created_at,
    archiveDigest: row.archive_digest,
    fileCount: row.file_count,
  };
}

function layerInfo(l: ImageLayerRow): LayerInfo {
  return {
    index: l.idx,
    digest: l.digest,
    diffId: l.diff_id,
    mediaType: l.media_type,
    size: l.size,
    uncompressedSize: l.uncompressed_size,
    entryCount: l.entry_count,
    contentSize: l.content_size,
    history: l.history,
    compression: l.compression,
    archivePath: l.archive_path,
  };
}

function layerProblems(l: ImageLayerRow): Problem[] {
  return (JSON.parse(l.problems) as Problem[]).map((p) => ({ ...p, layer: l.idx }));
}
