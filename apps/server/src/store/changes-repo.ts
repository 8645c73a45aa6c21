import type { ChangeKind } from '@peel/api';
import type { Db } from './db.js';

export interface ChangeRow {
  seq: number;
  path: Buffer;
  change: string;
  type: string;
  size: number;
  previous_layer: number | null;
  metadata_only: number;
  previous_size: number | null;
}

/** Filters of a paged changes list: a lower-cased substring of the absolute path, an exact path (bytes, no leading '/'). */
export interface ChangesFilter {
  q: Buffer | null;
  path: Buffer | null;
}

const COLS = 'seq, path, change, type, size, previous_layer, metadata_only, previous_size';
const SUMS = `coalesce(sum(change = 'added'), 0), coalesce(sum(change = 'modified'), 0), coalesce(sum(change = 'deleted'), 0)`;
const FILTER = `(@q IS NULL OR instr(CAST(lower('/' || path) AS BLOB), @q) > 0) AND (@path IS NULL OR path = @path)`;

/** Per-layer changes, as stored at ingest. */
export class ChangesRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      changes: db.prepare(`SELECT ${COLS} FROM layer_changes WHERE image = ? AND layer = ? ORDER BY seq LIMIT ? OFFSET ?`),
      // Keyset on the primary key (image, layer, seq): a page is one seek and `limit` rows.
      page: db.prepare(`SELECT ${COLS} FROM layer_changes WHERE image = @image AND layer = @layer AND seq > @after
        AND ((change = 'added' AND @added) OR (change = 'modified' AND @modified) OR (change = 'deleted' AND @deleted)) AND ${FILTER}
        ORDER BY seq LIMIT @limit`),
      // Sums, not GROUP BY: one pass without a sort.
      counts: db.prepare(`SELECT ${SUMS} FROM layer_changes WHERE image = @image AND layer = @layer AND ${FILTER}`).raw(),
      countsAll: db.prepare(`SELECT ${SUMS} FROM layer_changes WHERE image = @image AND layer = @layer`).raw(),
    };
  }

  changes(image: number, layer: number, limit: number, offset: number): ChangeRow[] {
    return this.s.changes.all(image, layer, limit, offset) as ChangeRow[];
  }

  page(image: number, layer: number, f: ChangesFilter & { kinds: ChangeKind[] }, after: number, limit: number): ChangeRow[] {
    const on = (k: ChangeKind) => (f.kinds.includes(k) ? 1 : 0);
    return this.s.page.all({ image, layer, after, limit, q: f.q, path: f.path, added: on('added'), modified: on('modified'), deleted: on('deleted') }) as ChangeRow[];
  }

  counts(image: number, layer: number, f: ChangesFilter): Record<ChangeKind, number> {
    const [added, modified, deleted] = (f.q === null && f.path === null
      ? this.s.countsAll.get({ image, layer })
      : this.s.counts.get({ image, layer, q: f.q, path: f.path })) as number[];
    return { added, modified, deleted };
  }
}
