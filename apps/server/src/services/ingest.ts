import type { Readable } from 'node:stream';
import type { ImageSummary } from '@peel/api';
import { EngineError, mergeSourceOf, openImageArchive, type BlobStore, type SortedRuns } from '@peel/engine';
import type { Db } from '../store/db.js';
import { beginImage, finishImage, writeLayer, type WriteOptions } from '../store/image-writer.js';
import { purgeImage } from '../store/image-purge.js';
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
  /** Layer entries of the whole image: each costs memory until the ingest has stored it. */
  maxEntriesPerArchive?: number;
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
 * indexes every blob as the bytes arrive, and each layer's index is written to the database as
 * soon as its blob has been read (while the next one streams in); then the merged view is
 * computed and written (one write at a time, see WriteQueue and image-writer.ts). A failure at
 * any point leaves no row and no blob that no other image uses.
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
    let key: number | null = null;
    // The first failure of a layer write; later writes of this upload then stop at once.
    let failed: unknown = null;
    const writes: Array<Promise<void>> = [];
    // Each layer's entries, sorted in runs on disk while it streams (memory does not follow the entry count).
    const runs: SortedRuns[] = [];
    const opts: WriteOptions = {
      chunkRows,
      check: () => {
        if (failed) throw failed;
        if (req.signal.aborted) throw new EngineError('ABORTED', 'the client cancelled the upload');
      },
    };
    try {
      key = await queue.run(async () => beginImage(db));
      const pending = key;
      const archive = await openImageArchive(limitBytes(req.body, limits.maxUploadBytes), store, {
        platform: req.platform,
        tag: req.tag,
        maxLayerBytes: limits.maxLayerBytes,
        maxJsonBytes: limits.maxJsonBytes,
        maxEntriesPerLayer: limits.maxEntriesPerLayer,
        maxEntriesPerArchive: limits.maxEntriesPerArchive,
        maxExpansionRatio: limits.maxExpansionRatio,
        sortedRuns: {},
        signal: req.signal,
        onLayer: (layer) => {
          if (layer.runs) runs.push(layer.runs);
          writes.push(queue.run(() => writeLayer(db, pending, layer, opts)).catch((e: unknown) => {
            failed ??= e;
          }));
        },
        // Deleting is the collector's job: another upload in flight may need the same blob.
        cleanup: async (digests) => {
          fresh = digests;
        },
      }).catch((e: unknown) => {
        failed ??= e;
        throw entryCapError(e);
      });
      fresh = archive.newBlobs;
      await Promise.all(writes);
      if (failed) throw failed;
      const image = archive.image;
      const layers = image.layers.map((l) => mergeSourceOf(archive.layerScans.get(l.blob)!));
      const id = imageId(archive.archiveDigest, image.manifestDigest, image.configDigest);
      const name = req.name?.trim() || image.tags[0] || id;
      key = null; // from here on finishImage completes the pending image or purges it
      const result = await queue.run(() => finishImage(db, pending, { id, name, archive, image, layers }, opts));
      fresh = [...fresh, ...result.released];
      return { summary: images.summary(id), created: result.created };
    } finally {
      if (key !== null) {
        failed ??= new EngineError('ABORTED', 'the ingest failed');
        await Promise.allSettled(writes);
        const pending = key;
        await queue.run(() => purgeImage(db, pending, chunkRows));
      }
      for (const r of runs) r.dispose();
      await collector.release(fresh);
      await done();
    }
  }
}

/** The archive-wide entry cap, with the setting that raises it. */
function entryCapError(e: unknown): unknown {
  if (!(e instanceof EngineError) || (e as { limit?: string }).limit !== 'maxEntriesPerArchive') return e;
  return new ApiError(413, 'LIMIT_EXCEEDED', `${e.message} (PEEL_MAX_ENTRIES_PER_ARCHIVE)`);
}
