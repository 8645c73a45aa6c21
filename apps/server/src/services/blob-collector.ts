import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '@peel/engine';

/**
 * Deletes blobs no image needs any more, without racing ingests. An ingest that is still
 * streaming may have found a blob already present (and so not count it as its own) just before
 * another, failing ingest would delete it. So deletions wait until no ingest is in flight, and
 * each candidate is checked against the database right before it goes.
 */
export class BlobCollector {
  private inFlight = 0;
  private readonly candidates = new Set<string>();
  private sweeping: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly store: BlobStore, private readonly isReferenced: (digest: string) => Promise<boolean>) {}

  /** Ingests currently streaming or writing. */
  get active(): number {
    return this.inFlight;
  }

  /**
   * Call before an ingest touches the store (it waits for a running sweep, so that no blob the
   * ingest sees as present is deleted under it); call the returned function when it has finished.
   */
  async begin(): Promise<() => Promise<void>> {
    this.inFlight++;
    await this.sweeping;
    let done = false;
    return () => {
      if (done) return this.sweeping;
      done = true;
      this.inFlight--;
      return this.maybeSweep();
    };
  }

  /** Blobs that may have lost their last user (a failed ingest's new blobs, a deleted image's). */
  release(digests: Iterable<string>): Promise<void> {
    for (const d of digests) this.candidates.add(d);
    return this.maybeSweep();
  }

  /**
   * The server is closing: the running sweep finishes, later ones do not start (an export that
   * ends after the index closed must not ask it). What was left is found by the startup sweep.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.sweeping;
  }

  private maybeSweep(): Promise<void> {
    if (this.closed || this.inFlight > 0 || this.candidates.size === 0) return this.sweeping;
    const batch = [...this.candidates];
    this.candidates.clear();
    this.sweeping = this.sweeping.then(async () => {
      for (const d of batch) {
        if (this.inFlight > 0) {
          this.candidates.add(d);
          continue;
        }
        if (!(await this.isReferenced(d))) await this.store.delete(d);
      }
    });
    return this.sweeping;
  }

  /** Startup: deletes every stored blob the database does not mention (a crash mid-ingest). */
  async sweepUnreferenced(dir: string, referenced: Set<string>): Promise<number> {
    const names = await readdir(join(dir, 'sha256')).catch(() => [] as string[]);
    let removed = 0;
    for (const hex of names) {
      const digest = `sha256:${hex}`;
      if (!/^[a-f0-9]{64}$/.test(hex) || referenced.has(digest)) continue;
      await this.store.delete(digest);
      removed++;
    }
    return removed;
  }
}
