import type { BlobStore } from '@peel/engine';
import type { IngestOwner, Store } from '../store/index.js';
import { ArchiveService } from './archive.js';
import { BlobCollector } from './blob-collector.js';
import { ContentService } from './content.js';
import { FsService } from './fs.js';
import { ImagesService } from './images.js';
import { IngestService, type IngestLimits } from './ingest.js';
import { WriteQueue } from './write-queue.js';
import { DraftLoader } from './draft-context.js';
import { DraftService } from './drafts.js';
import { DraftFsService } from './draft-fs.js';
import { ExportService } from './export.js';
import { CompareService } from './compare.js';

export interface Services {
  images: ImagesService;
  ingest: IngestService;
  fs: FsService;
  content: ContentService;
  archive: ArchiveService;
  queue: WriteQueue;
  collector: BlobCollector;
  drafts: DraftService;
  draftFs: DraftFsService;
  exports: ExportService;
  compare: CompareService;
}

/** `index`: the database store; `store`: the blobs. */
export function createServices(index: Store, store: BlobStore, owner: IngestOwner, limits: IngestLimits, chunkRows: number, sourceDateEpoch?: number): Services {
  const queue = new WriteQueue();
  const collector = new BlobCollector(store, (d) => index.images.isReferenced(d));
  const images = new ImagesService(index, queue, collector, chunkRows);
  const fs = new FsService(index, images);
  const content = new ContentService(index, store, images, fs);
  const archive = new ArchiveService(index, store, images);
  const ingest = new IngestService({ index, store, owner, queue, collector, images, limits, chunkRows });
  const loader = new DraftLoader(index, images);
  const drafts = new DraftService(index, store, images, loader, collector, limits.maxUploadBytes);
  const draftFs = new DraftFsService(store, index, loader, fs.pages);
  const exports = new ExportService(index, store, loader, collector, ingest, sourceDateEpoch === undefined ? undefined : new Date(sourceDateEpoch * 1000));
  const compare = new CompareService(index, images, loader);
  return { images, ingest, fs, content, archive, queue, collector, drafts, draftFs, exports, compare };
}
