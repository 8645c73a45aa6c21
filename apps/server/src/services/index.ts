import type { BlobStore } from '@peel/engine';
import type { Db } from '../store/db.js';
import { ImagesRepo } from '../store/images-repo.js';
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
}

export function createServices(db: Db, store: BlobStore, limits: IngestLimits, chunkRows: number, sourceDateEpoch?: number): Services {
  const queue = new WriteQueue();
  const repo = new ImagesRepo(db);
  const collector = new BlobCollector(store, (d) => repo.isReferenced(d));
  const images = new ImagesService(db, queue, collector, chunkRows);
  const fs = new FsService(db, images);
  const content = new ContentService(store, images, fs);
  const archive = new ArchiveService(db, store, images);
  const ingest = new IngestService({ db, store, queue, collector, images, limits, chunkRows });
  const loader = new DraftLoader(db, images, fs);
  const drafts = new DraftService(db, store, loader, collector, limits.maxUploadBytes);
  const draftFs = new DraftFsService(store, loader, fs.repo, fs.pages);
  const exports = new ExportService(db, store, loader, collector, ingest, sourceDateEpoch === undefined ? undefined : new Date(sourceDateEpoch * 1000));
  return { images, ingest, fs, content, archive, queue, collector, drafts, draftFs, exports };
}
