import type { Statement } from 'better-sqlite3';
import type { ListingSort } from '@peel/api';
import { encodeName } from '@peel/engine';
import { firstKey, keyParams, listingRows, listingSql } from '../listing.js';
import type { ListingOwner, ListingRepo, ListingRow, ListingSource, PageKey, SourceParams } from '../types.js';
import type { Conn } from './conn.js';
import { Keys } from './keys.js';
import { LAYER_BY_DIR } from './layer-by-dir.js';

const SQL = listingSql({
  layerByDir: (alias) => (alias ? `layer_entries AS ${alias} INDEXED BY layer_entries_by_dir` : LAYER_BY_DIR),
  key: (i) => `@k${i}`,
});

/** The values a statement binds from SourceParams (none it does not name). */
const bindings = (params: SourceParams): { asOf?: number } => (params.asOf === undefined ? {} : { asOf: params.asOf });

const bySource = (sql: Record<ListingSource, string>, prepare: (sql: string) => Statement): Record<ListingSource, Statement> =>
  Object.fromEntries(Object.entries(sql).map(([source, text]) => [source, prepare(text)])) as Record<ListingSource, Statement>;

/**
 * Paged reads of one folder, by key, with `.raw()` rows (no object per row) turned into the
 * API's entries column by column: the object per row and the spreads were most of a
 * 50,000-entry listing's time.
 */
export class SqliteListing implements ListingRepo {
  private readonly pages = new Map<string, Statement>();
  private readonly byName: Record<ListingSource, Statement>;
  private readonly counts: Record<ListingSource, Statement>;
  private readonly keys: Keys;

  constructor(private readonly c: Conn) {
    const db = c.db;
    this.keys = new Keys(c);
    this.byName = bySource(SQL.byName, (text) => db.prepare(text).raw());
    this.counts = bySource(SQL.count, (text) => db.prepare(text).pluck());
  }

  private ownerKey(owner: ListingOwner): number | undefined {
    return 'image' in owner ? this.keys.image(owner.image) : this.keys.layer(owner.layerDigest);
  }

  async page(source: ListingSource, sort: ListingSort, group: 0 | 1, owner: ListingOwner, dir: string, after: PageKey | null, limit: number, params: SourceParams = {}): Promise<ListingRow[]> {
    const folderBytes = params.folderBytes ?? true;
    const id = `${source}/${sort}/${group}/${folderBytes}`;
    let st = this.pages.get(id);
    if (!st) this.pages.set(id, (st = this.c.db.prepare(SQL.page(source, sort, group, folderBytes)).raw()));
    const key = this.ownerKey(owner);
    if (key === undefined) return [];
    const rows = st.all({ owner: key, parent: encodeName(dir), limit, ...bindings(params), ...keyParams(after ?? firstKey(sort)) }) as unknown[][];
    return listingRows(source, sort, owner, dir, rows, params);
  }

  async named(source: ListingSource, owner: ListingOwner, dir: string, name: string, sort: ListingSort, params: SourceParams = {}): Promise<ListingRow[]> {
    const key = this.ownerKey(owner);
    if (key === undefined) return [];
    const rows = this.byName[source].all({ owner: key, parent: encodeName(dir), name: encodeName(name), ...bindings(params) }) as unknown[][];
    return listingRows(source, sort, owner, dir, rows, params);
  }

  async count(source: ListingSource, owner: ListingOwner, dir: string, params: SourceParams = {}): Promise<number> {
    const key = this.ownerKey(owner);
    if (key === undefined) return 0;
    return this.counts[source].get({ owner: key, parent: encodeName(dir), ...bindings(params) }) as number;
  }
}
