import type { FindingsResponse } from '@peel/api';
import { analyzeImage, type BlobStore, type Findings } from '@peel/engine';
import type { Store } from '../store/index.js';
import { ApiError } from '../errors.js';
import { readFindingsInput } from './findings-input.js';
import { findingsToApi } from './findings-shape.js';
import type { ImagesService } from './images.js';

/**
 * Layer entries an image may have for its findings, when an operator sets PEEL_MAX_FINDINGS_ENTRIES:
 * none by default. The analysis reads every entry of every layer (sorted on disk, in bounded
 * memory), so its time follows the entries: a limit bounds that time, not memory.
 */
export const DEFAULT_FINDINGS_MAX_ENTRIES = Number.POSITIVE_INFINITY;

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
    const entries = layers.reduce((sum, l) => sum + l.entryCount, 0);
    if (entries > this.maxEntries) {
      throw new ApiError(413, 'LIMIT_EXCEEDED', `findings read every layer entry, and this image's layers have ${entries.toLocaleString('en')} entries: more than the limit of ${this.maxEntries.toLocaleString('en')} set for them (PEEL_MAX_FINDINGS_ENTRIES)`);
    }
    const input = readFindingsInput(this.index, image, layers);
    const findings: Findings = await analyzeImage({ ...input, store: this.store });
    const response = findingsToApi(id, findings, new Date().toISOString());
    // The image may have been deleted while its files were read: then the store keeps nothing.
    await this.index.findings.put(response, FINDINGS_VERSION);
    return response;
  }
}
