import type { ArchiveRepo, ChangesRepo, DraftsRepo, FindingsRepo, FsRepo, ImagesRepo, IngestRepo, ListingRepo, Repos, SearchIndexRepo } from './types.js';

/** A store's repositories outside a transaction, as its implementation built them. */
export class RepoSet implements Repos {
  readonly images: ImagesRepo;
  readonly fs: FsRepo;
  readonly listing: ListingRepo;
  readonly changes: ChangesRepo;
  readonly archive: ArchiveRepo;
  readonly drafts: DraftsRepo;
  readonly findings: FindingsRepo;
  readonly ingest: IngestRepo;
  readonly searchIndex: SearchIndexRepo;

  constructor(r: Repos) {
    this.images = r.images;
    this.fs = r.fs;
    this.listing = r.listing;
    this.changes = r.changes;
    this.archive = r.archive;
    this.drafts = r.drafts;
    this.findings = r.findings;
    this.ingest = r.ingest;
    this.searchIndex = r.searchIndex;
  }
}
