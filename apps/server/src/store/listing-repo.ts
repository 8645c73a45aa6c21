import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { LAYER_BY_DIR } from './schema.js';
import type { ListingSort } from '@peel/api';
import type { PageKey } from '../services/page-key.js';

/** Where a paged folder's rows come from: the merged fs, what it shadows, or one layer's own entries. */
export type ListingSource = 'nodes' | 'shadowed' | 'layer';

/** Column positions of a raw listing row (every source selects these first, in this order). */
export const COL = { name: 0, type: 1, mode: 2, uid: 3, gid: 4, size: 5, mtime: 6, linkTarget: 7, digest: 8, layer: 9, seq: 10, x1: 11 } as const;

const SELECT: Record<ListingSource, string> = {
  // x1.. : uname, gname, dev_major, dev_minor, xattrs, implicit, child_count
  nodes: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, layer, 0, uname, gname, dev_major, dev_minor, xattrs, implicit, child_count
    FROM fs_nodes WHERE image = @owner AND parent = @parent`,
  // x1.. : deleted_by, overwritten_by
  shadowed: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, layer, seq, deleted_by, overwritten_by
    FROM fs_shadowed WHERE image = @owner AND parent = @parent`,
  // x1.. : uname, gname, dev_major, dev_minor, xattrs, implicit
  layer: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, 0, seq, uname, gname, dev_major, dev_minor, xattrs, implicit
    FROM ${LAYER_BY_DIR} WHERE layer = @owner AND parent = @parent`,
};

/** The key of a row after its group (see page-key.ts): live (1) or gone (0), layer, seq. */
const TAIL: Record<ListingSource, { key: string; order: string }> = {
  nodes: { key: 'name, 1, layer, 0', order: 'name' },
  shadowed: { key: 'name, 0, layer, seq', order: 'name, layer, seq' },
  layer: { key: 'name, 0, 0, seq', order: 'name, seq' },
};

const GROUP = ["type = 'dir'", "type <> 'dir'"] as const;

function pageSql(source: ListingSource, sort: ListingSort, group: 0 | 1): string {
  const t = TAIL[source];
  if (sort === 'name') {
    // `name >= @k0` lets SQLite seek the primary key (or the layer's dir index) to the cursor.
    return `${SELECT[source]} AND ${GROUP[group]} AND name >= @k0 AND (${t.key}) > (@k0, @k1, @k2, @k3)
      ORDER BY ${t.order} LIMIT @limit`;
  }
  return `${SELECT[source]} AND ${GROUP[group]} AND (-size, ${t.key}) > (@k0, @k1, @k2, @k3, @k4)
    ORDER BY -size, ${t.order} LIMIT @limit`;
}

/** Paged reads of one folder, by key, with `.raw()` rows (no object per row). */
export class ListingRepo {
  private readonly pages = new Map<string, Statement>();
  private readonly byName: Record<ListingSource, Statement>;
  private readonly counts: Record<ListingSource, Statement>;

  constructor(private readonly db: Db) {
    this.byName = {
      nodes: db.prepare(`${SELECT.nodes} AND name = @name`).raw(),
      shadowed: db.prepare(`${SELECT.shadowed} AND name = @name ORDER BY layer, seq`).raw(),
      layer: db.prepare(`${SELECT.layer} AND name = @name ORDER BY seq`).raw(),
    };
    this.counts = {
      nodes: db.prepare(`SELECT count(*) FROM fs_nodes WHERE image = ? AND parent = ?`).pluck(),
      shadowed: db.prepare(`SELECT count(*) FROM fs_shadowed WHERE image = ? AND parent = ?`).pluck(),
      layer: db.prepare(`SELECT count(*) FROM ${LAYER_BY_DIR} WHERE layer = ? AND parent = ?`).pluck(),
    };
  }

  /**
   * Up to `limit` rows of one group (0: directories, 1: the rest) whose key is greater than
   * `after` (the key without its group; null: from the group's start), in key order.
   */
  page(source: ListingSource, sort: ListingSort, group: 0 | 1, owner: number, parent: Buffer, after: PageKey | null, limit: number): unknown[][] {
    const id = `${source}/${sort}/${group}`;
    let st = this.pages.get(id);
    if (!st) this.pages.set(id, (st = this.db.prepare(pageSql(source, sort, group)).raw()));
    const start: PageKey = sort === 'name' ? [Buffer.alloc(0), -1, -1, -1] : [Number.MIN_SAFE_INTEGER, Buffer.alloc(0), -1, -1, -1];
    const k = after ?? start;
    return st.all({ owner, parent, limit, ...Object.fromEntries(k.map((v, i) => [`k${i}`, v])) }) as unknown[][];
  }

  /** Every row named `name` in the folder (the live one, versions that are gone, a layer's repeats). */
  named(source: ListingSource, owner: number, parent: Buffer, name: Buffer): unknown[][] {
    return this.byName[source].all({ owner, parent, name }) as unknown[][];
  }

  count(source: ListingSource, owner: number, parent: Buffer): number {
    return this.counts[source].get(owner, parent) as number;
  }
}
