/**
 * Runs an ingest's layer writes and merge, and image deletes, one at a time in this process.
 * Draft edits do not need it (each is one store transaction that checks the draft's revision),
 * and "is this layer stored?" is answered and recorded in one transaction. What it still orders:
 * a layer's entries are written in chunks after its row (so that reads go on meanwhile), and a
 * second ingest of the same layer must not finish on a half-written layer, nor a purge drop it
 * half-way. A layer state in the store ('writing' → 'ready', with its writer) would let several
 * processes share that; until then an embedded store's one process keeps this queue.
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
