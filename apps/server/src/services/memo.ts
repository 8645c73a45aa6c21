/**
 * Values computed once per key, for facts of stored images (which never change): the oldest
 * are forgotten past `limit`. Key by image id, never by the row key alone: SQLite gives a deleted
 * image's key to the next image when it was the highest, while an id names the content.
 */
export class Memo<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string, compute: () => V): V {
    let v = this.values.get(key);
    if (v === undefined) {
      v = compute();
      if (this.values.size >= this.limit) this.values.delete(this.values.keys().next().value!);
      this.values.set(key, v);
    }
    return v;
  }
}
