import type { ImageId, Store } from '../store/index.js';

/**
 * Builds each stored image's search index in the background (what the store builds after an
 * ingest: see SearchIndexRepo), one image at a time: after each ingest of this process, and at
 * start for the images stored without one (a stop midway, a database from before the index).
 * The search answers meanwhile, more slowly for a name found in many folders.
 */
export class SearchIndexService {
  private readonly queued = new Set<ImageId>();
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly index: Store, private readonly chunkRows: number, private readonly logFailure: (err: unknown, message: string) => void) {}

  /** Queues every stored image without an index. */
  async resume(): Promise<void> {
    for (const id of await this.index.searchIndex.pending()) this.prepare(id);
  }

  prepare(id: ImageId): void {
    if (this.abort.signal.aborted) return;
    this.queued.add(id);
    this.kick();
  }

  /** Resolves once nothing is queued or being built. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops the build under way (the next start builds it again) and waits for it to let go. */
  async close(): Promise<void> {
    this.abort.abort();
    this.queued.clear();
    await this.running;
  }

  private kick(): void {
    if (this.running || this.abort.signal.aborted) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.queued.size > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const next = this.queued.values().next();
      if (next.done || this.abort.signal.aborted) return;
      this.queued.delete(next.value);
      try {
        await this.index.searchIndex.build(next.value, { signal: this.abort.signal, chunkRows: this.chunkRows });
      } catch (err) {
        // The image stays without an index (its search seeks): told in the log, not to a client.
        if (!this.abort.signal.aborted) this.logFailure(err, `building the search index of image ${next.value} failed`);
      }
    }
  }
}
