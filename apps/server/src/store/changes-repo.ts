import type { Db } from './db.js';

export interface ChangeRow {
  path: Buffer;
  change: string;
  type: string;
  size: number;
  previous_layer: number | null;
  metadata_only: number;
  previous_size: number | null;
}

/** Per-layer changes, as stored at ingest. */
export class ChangesRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      changes: db.prepare(`SELECT path, change, type, size, previous_layer, metadata_only, previous_size
        FROM layer_changes WHERE image = ? AND layer = ? ORDER BY seq LIMIT ? OFFSET ?`),
    };
  }

  changes(image: number, layer: number, limit: number, offset: number): ChangeRow[] {
    return this.s.changes.all(image, layer, limit, offset) as ChangeRow[];
  }
}
