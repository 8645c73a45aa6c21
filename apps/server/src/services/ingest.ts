import type { Readable } from 'node:stream';
import type { ImageSummary } from '@peel/api';
import { EngineError, mergeSourceOf, openImageArchive, type BlobStore, type LayerEntry, type SortedRuns } from '@peel/engine';
import type { IngestOwner, PendingImage, Store, WriteOptions } from '../store/index.js';
import { ApiError } from '../errors.js';
import { limitBytes } from './byte-limit.js';
import { imageId } from './image-id.js';
import type { ImagesService } from './images.js';
import type { BlobCollector } from './blob-collector.js';
import type { WriteQueue } from './write-queue.js';
import { writeMerged } from './merge-rows.js';

/** How often a pending image's owner says it is still writing. */
const HEARTBEAT_MS = 10_000;

export interface IngestLimits {
  /** Bytes of the upload itself (compressed, as sent). */
  maxUploadBytes: number;
  /** Uncompressed bytes of one layer (decompression bombs). */
  maxLayerBytes?: number;
  maxJsonBytes?: number;
  maxEntriesPerLayer?: number;
  /** Layer entries of the whole image: each costs disk (rows, sorted runs) and time, not memory. */
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
  /**
   * Called with each layer (its blob digest) once its entries are stored, while the rest of the
   * upload goes on: from then on the layer's own folders can be listed by its digest.
   */
  onLayerIndexed?: (layer: { digest: string; diffId: string }) => void;
}

/**
 * One upload → one stored image, in a single streaming pass: the engine hashes, stores and
 * indexes every blob as the bytes arrive, and each layer's index is written to the database as
 * soon as its blob has been read (while the next one streams in); then the merged view is
 * computed and written (one write at a time, see WriteQueue and image-writer.ts). A failure at
 * any point leaves no row and no blob that no other image uses.
 */
export class IngestService {
  private readonly ingestedListeners: Array<(id: string) => void> = [];

  constructor(
    private readonly deps: {
      index: Store;
      store: BlobStore;
      /** Who this app's pending images belong to (see IngestRepo.cleanupStale). */
      owner: IngestOwner;
      queue: WriteQueue;
      collector: BlobCollector;
      images: ImagesService;
      limits: IngestLimits;
      chunkRows: number;
    },
  ) {}

  /**
   * Calls `listener` with the id of each image an ingest of this process stores (or finds stored
   * already), once it is ready and before the ingest answers: a listener defers its work.
   */
  onIngested(listener: (id: string) => void): void {
    this.ingestedListeners.push(listener);
  }

  async ingest(req: IngestRequest): Promise<{ summary: ImageSummary; created: boolean }> {
    const { index, store, owner, queue, collector, images, limits, chunkRows } = this.deps;
    if (req.contentLength !== undefined && req.contentLength > limits.maxUploadBytes) {
      throw new ApiError(413, 'UPLOAD_TOO_LARGE', `the upload (${req.contentLength} bytes) is larger than the limit of ${limits.maxUploadBytes} bytes (PEEL_MAX_UPLOAD_BYTES)`);
    }
    const done = await collector.begin();
    let fresh: string[] = [];
    let pending: PendingImage | null = null;
    let heartbeat: NodeJS.Timeout | undefined;
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
      const owned = await index.ingest.begin(owner);
      pending = owned;
      heartbeat = setInterval(() => void index.ingest.heartbeat(owned).catch(() => undefined), HEARTBEAT_MS).unref();
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
          const { entries, ...facts } = layer;
          const sorted = layer.runs;
          if (sorted) runs.push(sorted);
          // A failed write gives up its layer in the same turn of the queue: another upload of the
          // layer queued behind it would otherwise link it cut short, or wait for it.
          writes.push(queue.run(async () => {
            try {
              await index.ingest.writeLayer(owned, facts, sorted ? tarOrder(sorted) : entries, opts);
              req.onLayerIndexed?.({ digest: facts.digest, diffId: facts.diffId });
            } catch (e) {
              await index.ingest.releaseLayer(owned, facts.digest, opts).catch(() => undefined);
              throw e;
            }
          }).catch((e: unknown) => {
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
      const result = await queue.run(async () => {
        // Stored already: nothing to merge (finish answers with the stored one).
        const merged = (await index.images.exists(id)) ? { fileCount: 0, problems: [] } : await (async () => {
          await index.ingest.linkLayers(owned, archive, image, opts);
          return writeMerged(index.ingest, owned, layers, opts);
        })();
        return index.ingest.finish(owned, { id, name, archive, image, fileCount: merged.fileCount, mergeProblems: merged.problems }, opts);
      });
      pending = null;
      fresh = [...fresh, ...result.released];
      const summary = await images.summary(id);
      for (const listener of this.ingestedListeners) listener(id);
      return { summary, created: result.created };
    } finally {
      clearInterval(heartbeat);
      if (pending !== null) {
        failed ??= new EngineError('ABORTED', 'the ingest failed');
        await Promise.allSettled(writes);
        const owned = pending;
        // The blobs stay for the collector (they are this ingest's new blobs, or another image's).
        await queue.run(() => index.ingest.abandon(owned, { chunkRows }));
      }
      for (const r of runs) r.dispose();
      await collector.release(fresh);
      await done();
    }
  }
}

/** A layer's entries in tar order, read back from its sorted runs, in batches. */
async function* tarOrder(runs: SortedRuns): AsyncGenerator<LayerEntry[]> {
  for await (const batch of runs.entries()) yield batch.map((r) => r.entry);
}

/** The archive-wide entry cap, with the setting that raises it. */
function entryCapError(e: unknown): unknown {
  if (!(e instanceof EngineError) || (e as { limit?: string }).limit !== 'maxEntriesPerArchive') return e;
  return new ApiError(413, 'LIMIT_EXCEEDED', `${e.message} (PEEL_MAX_ENTRIES_PER_ARCHIVE)`);
}
