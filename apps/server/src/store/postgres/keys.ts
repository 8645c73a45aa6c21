import type { PgConn } from './conn.js';

/** Image ids and layer digests → the row keys the tables join on (never leave the store). */
export class Keys {
  constructor(private readonly c: PgConn) {}

  /** A ready image's key. */
  async image(id: string): Promise<number | undefined> {
    return (await this.c.one<{ key: number }>(`SELECT key FROM images WHERE id = $1 AND state = 'ready'`, [id]))?.key;
  }

  /** A stored layer's key; a layer still being written (entry_count < 0, see ingest.ts) is not stored yet. */
  async layer(digest: string): Promise<number | undefined> {
    return (await this.c.one<{ key: number }>(`SELECT key FROM layers WHERE digest = $1 AND entry_count >= 0`, [digest]))?.key;
  }
}
