import type { Readable } from 'node:stream';
import type { ImageSummary } from '@peel/api';
import { EngineError, mergeLayers, openImageArchive, type BlobStore } from '@peel/engine';
import type { Db } from '../store/db.js';
import { writeImage } from '../store/image-writer.js';
import { ApiError } from '../errors.js';
import { limitBytes } from './byte-limit.js';
import { imageId } from './image-id.js';
import type { ImagesService } from './images.js';
import type { BlobCollector } from './blob-collector.js';
import type { WriteQueue } from './write-queue.js';

export interface IngestLimits {
  /** Bytes of the upload itself (compressed, as sent). */
  maxUploadBytes: number;
  /** Uncompressed bytes of one layer (decompression bombs). */
  maxLayerBytes?: number;
  maxJsonBytes?: number;
  maxEntriesPerLayer?: number;
  /** Compressed data expanding more than this many times is a bomb (0: no check). */
  maxExpansionRatio?: number;
}

export interface IngestRequest {
  body: Readable;
  /** The file name the user dropped. */
  name?: string;
  platform?: string;
  tag?: string;
  contentLength?: number;
  /** Aborted when the client goes away: everything of this upload is then removed. */
  signal: AbortSignal;
}

/**
 * One upload → one stored image, in a single streaming pass: the engine hashes, stores and
 * indexes every blob as the bytes arrive; then the merged view is computed and written (one
 * write at a time, see WriteQueue). A failure at any point leaves no row and no blob that no
 * other image uses.
 */
export class IngestService {
  constructor(
    private readonly deps: {
      db: Db;
      store: BlobStore;
      queue: WriteQueue;
      collector: BlobCollector;
      images: ImagesService;
      limits: IngestLimits;
      chunkRows: number;
    },
  ) {}

  async ingest(req: IngestRequest): Promise<{ summary: ImageSummary; created: boolean }> {
    const { db, store, queue, collector, images, limits, chunkRows } = this.deps;
    if (req.contentLength !== undefined && req.contentLength > limits.maxUploadBytes) {
      throw new ApiError(413, 'UPLOAD_TOO_LARGE', `the upload (${req.contentLength} bytes) is larger than the limit of ${limits.maxUploadBytes} bytes (PEEL_MAX_UPLOAD_BYTES)`);
    }
    const done = await collector.begin();
    let fresh: string[] = [];
    try {
      const archive = await openImageArchive(limitBytes(req.body, limits.maxUploadBytes), store, {
        platform: req.platform,
        tag: req.tag,
        maxLayerBytes: limits.maxLayerBytes,
        maxJsonBytes: limits.maxJsonBytes,
        maxEntriesPerLayer: limits.maxEntriesPerLayer,
        maxExpansionRatio: limits.maxExpansionRatio,
        signal: req.signal,
        // Deleting is the collector's job: another upload in flight may need the same blob.
        cleanup: async (digests) => {
          fresh = digests;
        },
      });
      fresh = archive.newBlobs;
      const image = archive.image;
      const layers = image.layers.map((l) => archive.layerScans.get(l.blob)?.entries ?? []);
      const fs = mergeLayers(layers);
      const id = imageId(archive.archiveDigest, image.manifestDigest, image.configDigest);
      const name = req.name?.trim() || image.tags[0] || id;
      const check = () => {
        if (req.signal.aborted) throw new EngineError('ABORTED', 'the client cancelled the upload');
      };
      const { created, released } = await queue.run(() => writeImage(db, { id, name, archive, image, layers, fs }, { chunkRows, check }));
      fresh = [...fresh, ...released];
      return { summary: images.summary(id), created };
    } finally {
      await collector.release(fresh);
      await done();
    }
  }
}
