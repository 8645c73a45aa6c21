import type { FindingsResponse } from '@peel/api';
import { analyzeImage, type BlobStore, type Findings } from '@peel/engine';
import type { Store } from '../store/index.js';
import { ApiError } from '../errors.js';
import { readFindingsInput } from './findings-input.js';
import { findingsToApi } from './findings-shape.js';
import type { ImagesService } from './images.js';

/**
 * Layer entries an image may have for its findings: the analysis holds every layer's entries in
 * memory (about 1 KiB each: files-3m's 3 million took the server to 3.2 GiB), unlike the ingest
 * and browsing, which stream. Above it the request is refused (PEEL_MAX_FINDINGS_ENTRIES).
 */
export const DEFAULT_FINDINGS_MAX_ENTRIES = 1_000_000;

/** Bump when the engine's analysis changes what it reports: cached rows of older versions are recomputed. */
export const FINDINGS_VERSION = 2;

/**
 * Findings are computed on the first request for an image, then served from the store. Not at
 * ingest: an upload should be explorable as soon as it is indexed, and most images are never
 * asked for findings; the image never changes, so a cached answer never goes stale. Concurrent
 * first requests in this process share one computation.
 */
export class FindingsService {
  private readonly running = new Map<string, Promise<FindingsResponse>>();

  constructor(
    private readonly index: Store,
    private readonly store: BlobStore,
    private readonly images: ImagesService,
    private readonly maxEntries = DEFAULT_FINDINGS_MAX_ENTRIES,
  ) {}

  async get(id: string): Promise<FindingsResponse> {
    const image = await this.images.require(id);
    const cached = await this.index.findings.get(image.id, FINDINGS_VERSION);
    if (cached) return cached;
    let job = this.running.get(image.id);
    if (!job) {
      job = this.compute(image.id).finally(() => this.running.delete(image.id));
      this.running.set(image.id, job);
    }
    return job;
  }

  private async compute(id: string): Promise<FindingsResponse> {
    const image = await this.images.require(id);
    const layers = await this.index.images.layers(id);
    // A layer used twice is read once.
    const entries = [...new Map(layers.map((l) => [l.layerDigest, l.entryCount])).values()].reduce((a, b) => a + b, 0);
    if (entries > this.maxEntries) {
      throw new ApiError(413, 'LIMIT_EXCEEDED', `findings are computed in memory, and this image's layers have ${entries.toLocaleString('en')} entries: more than the limit of ${this.maxEntries.toLocaleString('en')} (PEEL_MAX_FINDINGS_ENTRIES; about 1 KiB of memory per entry)`);
    }
    const input = await readFindingsInput(this.index, image, layers);
    const findings: Findings = await analyzeImage({ ...input, store: this.store });
    const response = findingsToApi(id, findings, new Date().toISOString());
    // The image may have been deleted while its files were read: then the store keeps nothing.
    await this.index.findings.put(response, FINDINGS_VERSION);
    return response;
  }
}
