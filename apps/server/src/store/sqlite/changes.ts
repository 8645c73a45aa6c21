import type { ChangeKind } from '@peel/api';
import { encodeName } from '@peel/engine';
import { CHANGE_COLS, changeOf, type LayerChangeRow } from '../rows.js';
import type { ChangeRecord, ChangesFilter, ChangesRepo, ImageId } from '../types.js';
import type { Conn } from './conn.js';
import { Keys } from './keys.js';

const SUMS = `coalesce(sum(change = 'added'), 0), coalesce(sum(change = 'modified'), 0), coalesce(sum(change = 'deleted'), 0)`;
const FILTER = `(@q IS NULL OR instr(CAST(lower('/' || path) AS BLOB), @q) > 0) AND (@path IS NULL OR path = @path)`;

const filterParams = (f: ChangesFilter) => ({ q: f.q === null ? null : encodeName(f.q), path: f.path === null ? null : encodeName(f.path) });

/** Per-layer changes, as stored at ingest. */
export class SqliteChanges implements ChangesRepo {
  private readonly s;
  private readonly keys: Keys;

  constructor(c: Conn) {
    const db = c.db;
    this.keys = new Keys(c);
    this.s = {
      changes: db.prepare(`SELECT ${CHANGE_COLS} FROM layer_changes WHERE image = ? AND layer = ? ORDER BY seq LIMIT ? OFFSET ?`),
      // Keyset on the primary key (image, layer, seq): a page is one seek and `limit` rows.
      page: db.prepare(`SELECT ${CHANGE_COLS} FROM layer_changes WHERE image = @image AND layer = @layer AND seq > @after
        AND ((change = 'added' AND @added) OR (change = 'modified' AND @modified) OR (change = 'deleted' AND @deleted)) AND ${FILTER}
        ORDER BY seq LIMIT @limit`),
      // Sums, not GROUP BY: one pass without a sort.
      counts: db.prepare(`SELECT ${SUMS} FROM layer_changes WHERE image = @image AND layer = @layer AND ${FILTER}`).raw(),
      countsAll: db.prepare(`SELECT ${SUMS} FROM layer_changes WHERE image = @image AND layer = @layer`).raw(),
    };
  }

  async list(id: ImageId, layer: number, limit: number, offset: number): Promise<ChangeRecord[]> {
    const image = this.keys.image(id);
    if (image === undefined) return [];
    return (this.s.changes.all(image, layer, limit, offset) as LayerChangeRow[]).map(changeOf);
  }

  async page(id: ImageId, layer: number, f: ChangesFilter & { kinds: ChangeKind[] }, afterSeq: number, limit: number): Promise<ChangeRecord[]> {
    const image = this.keys.image(id);
    if (image === undefined) return [];
    const on = (k: ChangeKind) => (f.kinds.includes(k) ? 1 : 0);
    return (this.s.page.all({ image, layer, after: afterSeq, limit, ...filterParams(f), added: on('added'), modified: on('modified'), deleted: on('deleted') }) as LayerChangeRow[]).map(changeOf);
  }

  async counts(id: ImageId, layer: number, f: ChangesFilter): Promise<Record<ChangeKind, number>> {
    const image = this.keys.image(id) ?? -1;
    const [added, modified, deleted] = (f.q === null && f.path === null
      ? this.s.countsAll.get({ image, layer })
      : this.s.counts.get({ image, layer, ...filterParams(f) })) as number[];
    return { added, modified, deleted };
  }
}
