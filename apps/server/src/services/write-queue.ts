/**
 * Runs database write phases one at a time. Ingests stream and hash concurrently; only their
 * final write (and image purges) go through here, so "is this layer already stored?" checks and
 * the purge of a failed write can never interleave with another write.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every task queued so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
