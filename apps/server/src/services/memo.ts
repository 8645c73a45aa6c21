/**
 * Values computed once per key, for facts of stored images (which never change): the oldest
 * are forgotten past `limit`. Keyed by image id (the content), never by a row key. An answer
 * still being computed is shared; one that failed is forgotten.
 */
export class Memo<V> {
  private readonly values = new Map<string, Promise<V>>();

  constructor(private readonly limit: number) {}

  get(key: string, compute: () => Promise<V>): Promise<V> {
    let v = this.values.get(key);
    if (v === undefined) {
      v = compute();
      if (this.values.size >= this.limit) this.values.delete(this.values.keys().next().value!);
      this.values.set(key, v);
      // Only this computation: one of a forgotten key may fail after the key was computed anew.
      const failed = v;
      v.catch(() => {
        if (this.values.get(key) === failed) this.values.delete(key);
      });
    }
    return v;
  }

  /** Drops the value of `key` (its computation, if running, still answers those waiting on it). */
  forget(key: string): void {
    this.values.delete(key);
  }
}
