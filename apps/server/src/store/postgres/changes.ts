import type { ChangeKind } from '@peel/api';
import { encodeName } from '@peel/engine';
import { CHANGE_COLS, changeOf, type LayerChangeRow } from '../rows.js';
import type { ChangeRecord, ChangesFilter, ChangesRepo, ImageId } from '../types.js';
import type { PgConn } from './conn.js';
import { Keys } from './keys.js';
import { asChars, lowerBytes } from './text-match.js';

const SUMS = `count(*) FILTER (WHERE change = 'added') AS added, count(*) FILTER (WHERE change = 'modified') AS modified,
  count(*) FILTER (WHERE change = 'deleted') AS deleted`;
const FILTER = `($3::bytea IS NULL OR position(${asChars('$3::bytea')} IN ${lowerBytes(`'\\x2f'::bytea || path`)}) > 0)
  AND ($4::bytea IS NULL OR path = $4::bytea)`;

const filterValues = (f: ChangesFilter) => [f.q === null ? null : encodeName(f.q), f.path === null ? null : encodeName(f.path)];

/** Per-layer changes, as stored at ingest. */
export class PgChanges implements ChangesRepo {
  private readonly keys: Keys;

  constructor(private readonly c: PgConn) {
    this.keys = new Keys(c);
  }

  async list(id: ImageId, layer: number, limit: number, offset: number): Promise<ChangeRecord[]> {
    const image = await this.keys.image(id);
    if (image === undefined) return [];
    return (await this.c.rows<LayerChangeRow>(`SELECT ${CHANGE_COLS} FROM layer_changes WHERE image = $1 AND layer = $2 ORDER BY seq LIMIT $3 OFFSET $4`,
      [image, layer, limit < 0 ? null : limit, offset])).map(changeOf);
  }

  async page(id: ImageId, layer: number, f: ChangesFilter & { kinds: ChangeKind[] }, afterSeq: number, limit: number): Promise<ChangeRecord[]> {
    const image = await this.keys.image(id);
    if (image === undefined) return [];
    // Keyset on the primary key (image, layer, seq): a page is one seek and `limit` rows.
    return (await this.c.rows<LayerChangeRow>(`SELECT ${CHANGE_COLS} FROM layer_changes WHERE image = $1 AND layer = $2 AND ${FILTER}
        AND seq > $5 AND change = ANY($6::text[]) ORDER BY seq LIMIT $7`,
    [image, layer, ...filterValues(f), afterSeq, f.kinds, limit])).map(changeOf);
  }

  async counts(id: ImageId, layer: number, f: ChangesFilter): Promise<Record<ChangeKind, number>> {
    const image = (await this.keys.image(id)) ?? -1;
    const row = f.q === null && f.path === null
      ? await this.c.one<Record<ChangeKind, number>>(`SELECT ${SUMS} FROM layer_changes WHERE image = $1 AND layer = $2`, [image, layer])
      : await this.c.one<Record<ChangeKind, number>>(`SELECT ${SUMS} FROM layer_changes WHERE image = $1 AND layer = $2 AND ${FILTER}`, [image, layer, ...filterValues(f)]);
    return { added: row!.added, modified: row!.modified, deleted: row!.deleted };
  }
}
