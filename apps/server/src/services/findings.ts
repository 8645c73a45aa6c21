import type { FindingsResponse } from '@peel/api';
import { analyzeImage, type BlobStore, type Findings } from '@peel/engine';
import type { Db } from '../store/db.js';
import { FindingsCache } from './findings-cache.js';
import { FindingsInputReader } from './findings-input.js';
import { findingsToApi } from './findings-shape.js';
import type { ImagesService } from './images.js';

/** Bump when the engine's analysis changes what it reports: cached rows of older versions are recomputed. */
export const FINDINGS_VERSION = 2;

/**
 * Findings are computed on the first request for an image, then served from SQLite. Not at
 * ingest: an upload should be explorable as soon as it is indexed, and most images are never
 * asked for findings; the image never changes, so a cached answer never goes stale. Concurrent
 * first requests share one computation.
 */
export class FindingsService {
  private readonly cache: FindingsCache;
  private readonly input: FindingsInputReader;
  private readonly running = new Map<string, Promise<FindingsResponse>>();

  constructor(db: Db, private readonly store: BlobStore, private readonly images: ImagesService) {
    this.cache = new FindingsCache(db, FINDINGS_VERSION);
    this.input = new FindingsInputReader(db);
  }

  async get(id: string): Promise<FindingsResponse> {
    const row = this.images.require(id);
    const cached = this.cache.get(row.id);
    if (cached) return cached;
    let job = this.running.get(row.id);
    if (!job) {
      job = this.compute(row.id).finally(() => this.running.delete(row.id));
      this.running.set(row.id, job);
    }
    return job;
  }

  private async compute(id: string): Promise<FindingsResponse> {
    const row = this.images.require(id);
    const input = await this.input.read(row, this.images.repo.layers(row.key));
    const findings: Findings = await analyzeImage({ ...input, store: this.store });
    const response = findingsToApi(id, findings, new Date().toISOString());
    // The image may have been deleted while its files were read: then keep nothing.
    if (this.images.repo.keyOf(id) !== undefined) this.cache.put(response);
    return response;
  }
}
