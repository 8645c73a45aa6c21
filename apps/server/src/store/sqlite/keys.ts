import type { Conn } from './conn.js';

/** Image ids and layer digests → the row keys the tables join on (never leave the store). */
export class Keys {
  constructor(private readonly c: Conn) {}

  /** A ready image's key. */
  image(id: string): number | undefined {
    return this.c.stmt(`SELECT key FROM images WHERE id = ? AND state = 'ready'`).pluck().get(id) as number | undefined;
  }

  layer(digest: string): number | undefined {
    return this.c.stmt(`SELECT key FROM layers WHERE digest = ?`).pluck().get(digest) as number | undefined;
  }
}
