import type { ListingSort } from '@peel/api';
import { encodeName } from '@peel/engine';
import { firstKey, keyParams, listingRows, listingSql } from '../listing.js';
import type { ListingOwner, ListingRepo, ListingRow, ListingSource, PageKey, SourceParams } from '../types.js';
import type { PgConn } from './conn.js';
import { Keys } from './keys.js';

/*
 * The planner picks layer_entries_by_dir by itself; the cursor's values are typed, since they
 * are bound as text and a row comparison needs its types.
 */
const SQL = listingSql({
  layerByDir: (alias) => (alias ? `layer_entries AS ${alias}` : 'layer_entries'),
  key: (i, type) => `@k${i}::${type === 'bytes' ? 'bytea' : 'bigint'}`,
});

/** Paged reads of one folder, by key. */
export class PgListing implements ListingRepo {
  private readonly keys: Keys;

  constructor(private readonly c: PgConn) {
    this.keys = new Keys(c);
  }

  private ownerKey(owner: ListingOwner): Promise<number | undefined> {
    return 'image' in owner ? this.keys.image(owner.image) : this.keys.layer(owner.layerDigest);
  }

  async page(source: ListingSource, sort: ListingSort, group: 0 | 1, owner: ListingOwner, dir: string, after: PageKey | null, limit: number, params: SourceParams = {}): Promise<ListingRow[]> {
    const key = await this.ownerKey(owner);
    if (key === undefined) return [];
    const rows = await this.c.namedArrays(SQL.page(source, sort, group, params.folderBytes ?? true),
      { owner: key, parent: encodeName(dir), limit, asOf: params.asOf, ...keyParams(after ?? firstKey(sort)) });
    return listingRows(source, sort, owner, dir, rows, params);
  }

  async named(source: ListingSource, owner: ListingOwner, dir: string, name: string, sort: ListingSort, params: SourceParams = {}): Promise<ListingRow[]> {
    const key = await this.ownerKey(owner);
    if (key === undefined) return [];
    const rows = await this.c.namedArrays(SQL.byName[source], { owner: key, parent: encodeName(dir), name: encodeName(name), asOf: params.asOf });
    return listingRows(source, sort, owner, dir, rows, params);
  }

  async count(source: ListingSource, owner: ListingOwner, dir: string, params: SourceParams = {}): Promise<number> {
    const key = await this.ownerKey(owner);
    if (key === undefined) return 0;
    const [[n]] = await this.c.namedArrays(SQL.count[source], { owner: key, parent: encodeName(dir), asOf: params.asOf });
    return n as number;
  }
}
