import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { LAYER_BY_DIR } from './migrations.js';
import type { ListingSort } from '@peel/api';
import type { PageKey } from '../services/page-key.js';

/**
 * Where a paged folder's rows come from: the merged fs, what it shadows, one layer's own entries,
 * or the filesystem as of a layer (`asOfNodes`, `asOfShadowed`: the versions alive after it;
 * `lostAt`: what that layer deleted or overwrote).
 */
export type ListingSource = 'nodes' | 'shadowed' | 'layer' | 'asOfNodes' | 'asOfShadowed' | 'lostAt';

/** Column positions of a raw listing row (every source selects these first, in this order). */
export const COL = { name: 0, type: 1, mode: 2, uid: 3, gid: 4, size: 5, mtime: 6, linkTarget: 7, digest: 8, layer: 9, seq: 10, x1: 11 } as const;
/** As-of rows: the layer of the stored version, which for a folder can be above the one shown. */
export const AS_OF_RECORDED = COL.x1 + 6;

/**
 * As of layer @asOf, the version of a path that is alive is the one whose layer is at or below it
 * and that no layer up to it deleted or overwrote (fs_shadowed keeps every version that was lost
 * and the layer that lost it: the engine's overlay rules, as the merge applied them). A folder
 * that a later layer declared again keeps one version from its first layer on, recorded with the
 * last layer that declared it: it was there at @asOf when a layer between the end of the path's
 * previous version and @asOf has a folder entry for it (declared, implied or opaque). Its layer as
 * of @asOf is, as the merge counts it, the last of those that declared it, else the first (which
 * made it); the page reads the folder's attributes from that layer's entry (`recorded` differs).
 */
const folderEntries = (table: string, previousEnd: string, kind: string) => `FROM image_layers il
    JOIN layer_entries AS le INDEXED BY layer_entries_by_dir ON le.layer = il.layer
    AND le.parent = ${table}.parent AND le.name = ${table}.name AND ${kind}
  WHERE il.image = @owner AND il.idx <= @asOf AND il.idx >= ${previousEnd}`;
const folderLayerAsOf = (table: string, previousEnd: string) => `coalesce(
  (SELECT max(il.idx) ${folderEntries(table, previousEnd, "le.type = 'dir' AND le.implicit = 0")}),
  (SELECT min(il.idx) ${folderEntries(table, previousEnd, "le.type IN ('dir', 'opaque')")}))`;
const ENDED = 'coalesce(deleted_by, overwritten_by)';
const layerAsOf = (table: string, previousEnd: string) =>
  `CASE WHEN ${table}.layer <= @asOf THEN ${table}.layer WHEN ${table}.type = 'dir' THEN ${folderLayerAsOf(table, previousEnd)} END`;
/** The layer that ended the path's version before this one (0: none did). */
const previousEnd = (table: string, own: string) => `coalesce((SELECT max(coalesce(prior.deleted_by, prior.overwritten_by)) FROM fs_shadowed AS prior
  WHERE prior.image = @owner AND prior.parent = ${table}.parent AND prior.name = ${table}.name${own}), 0)`;
const NODE_LAYER = layerAsOf('fs_nodes', previousEnd('fs_nodes', ''));
const SHADOWED_LAYER = layerAsOf('fs_shadowed', previousEnd('fs_shadowed',
  ' AND prior.seq <> fs_shadowed.seq AND coalesce(prior.deleted_by, prior.overwritten_by) <= fs_shadowed.layer'));

const SELECT: Record<ListingSource, string> = {
  // x1.. : uname, gname, dev_major, dev_minor, xattrs, implicit, child_count, bytes_below
  nodes: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, layer, 0, uname, gname, dev_major, dev_minor, xattrs, implicit, child_count, bytes_below
    FROM fs_nodes WHERE image = @owner AND parent = @parent`,
  // x1.. : deleted_by, overwritten_by
  shadowed: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, layer, seq, deleted_by, overwritten_by
    FROM fs_shadowed WHERE image = @owner AND parent = @parent`,
  // x1.. : deleted_by, overwritten_by
  lostAt: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, layer, seq, deleted_by, overwritten_by
    FROM fs_shadowed WHERE image = @owner AND parent = @parent AND ${ENDED} = @asOf`,
  // x1.. : uname, gname, dev_major, dev_minor, xattrs, implicit
  layer: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, 0, seq, uname, gname, dev_major, dev_minor, xattrs, implicit
    FROM ${LAYER_BY_DIR} WHERE layer = @owner AND parent = @parent`,
  // x1.. : uname, gname, dev_major, dev_minor, xattrs, implicit, recorded (the layer column is the layer as of @asOf)
  asOfNodes: `SELECT * FROM (SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, ${NODE_LAYER} AS layer, 0 AS seq,
      uname, gname, dev_major, dev_minor, xattrs, implicit, fs_nodes.layer AS recorded
    FROM fs_nodes WHERE image = @owner AND parent = @parent) WHERE layer IS NOT NULL`,
  // x1.. : null × 6 (what fs_shadowed does not keep), recorded
  asOfShadowed: `SELECT * FROM (SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, ${SHADOWED_LAYER} AS layer, seq,
      NULL, NULL, NULL, NULL, NULL, NULL, fs_shadowed.layer AS recorded
    FROM fs_shadowed WHERE image = @owner AND parent = @parent AND ${ENDED} > @asOf) WHERE layer IS NOT NULL`,
};

/** The key of a row after its group (see page-key.ts): live (1) or gone (0), layer, seq. */
const TAIL: Record<ListingSource, { key: string; order: string }> = {
  nodes: { key: 'name, 1, layer, 0', order: 'name' },
  shadowed: { key: 'name, 0, layer, seq', order: 'name, layer, seq' },
  lostAt: { key: 'name, 0, layer, seq', order: 'name, layer, seq' },
  layer: { key: 'name, 0, 0, seq', order: 'name, seq' },
  // One version of a path is alive as of a layer: its name is its key.
  asOfNodes: { key: 'name, 1, 0, 0', order: 'name' },
  asOfShadowed: { key: 'name, 1, 0, 0', order: 'name' },
};

const GROUP = ["type = 'dir'", "type <> 'dir'"] as const;

/** What sort=size orders by: a merged folder by the bytes below it, anything else by its own size. */
const sizeOf = (source: ListingSource, group: 0 | 1, folderBytes: boolean): string => (source === 'nodes' && group === 0 && folderBytes ? 'bytes_below' : 'size');

function pageSql(source: ListingSource, sort: ListingSort, group: 0 | 1, folderBytes: boolean): string {
  const t = TAIL[source];
  if (sort === 'name') {
    // `name >= @k0` lets SQLite seek the primary key (or the layer's dir index) to the cursor.
    return `${SELECT[source]} AND ${GROUP[group]} AND name >= @k0 AND (${t.key}) > (@k0, @k1, @k2, @k3)
      ORDER BY ${t.order} LIMIT @limit`;
  }
  const size = sizeOf(source, group, folderBytes);
  return `${SELECT[source]} AND ${GROUP[group]} AND (-${size}, ${t.key}) > (@k0, @k1, @k2, @k3, @k4)
    ORDER BY -${size}, ${t.order} LIMIT @limit`;
}

/**
 * What a source needs beyond the folder: the layer an as-of listing shows; for the merged fs,
 * whether folders carry (and sort=size orders them by) their bytes below — not where a draft
 * lists the image's folders, as its own listing cannot know them.
 */
export interface SourceParams {
  asOf?: number;
  folderBytes?: boolean;
}

/** The values a statement binds from SourceParams (none it does not name). */
const bindings = (params: SourceParams): { asOf?: number } => (params.asOf === undefined ? {} : { asOf: params.asOf });

/** Paged reads of one folder, by key, with `.raw()` rows (no object per row). */
export class ListingRepo {
  private readonly pages = new Map<string, Statement>();
  private readonly byName: Record<ListingSource, Statement>;
  private readonly counts: Record<ListingSource, Statement>;

  constructor(private readonly db: Db) {
    this.byName = {
      nodes: db.prepare(`${SELECT.nodes} AND name = @name`).raw(),
      shadowed: db.prepare(`${SELECT.shadowed} AND name = @name ORDER BY layer, seq`).raw(),
      lostAt: db.prepare(`${SELECT.lostAt} AND name = @name ORDER BY layer, seq`).raw(),
      layer: db.prepare(`${SELECT.layer} AND name = @name ORDER BY seq`).raw(),
      asOfNodes: db.prepare(`${SELECT.asOfNodes} AND name = @name`).raw(),
      asOfShadowed: db.prepare(`${SELECT.asOfShadowed} AND name = @name`).raw(),
    };
    this.counts = {
      nodes: db.prepare(`SELECT count(*) FROM fs_nodes WHERE image = @owner AND parent = @parent`).pluck(),
      shadowed: db.prepare(`SELECT count(*) FROM fs_shadowed WHERE image = @owner AND parent = @parent`).pluck(),
      lostAt: db.prepare(`SELECT count(*) FROM (${SELECT.lostAt})`).pluck(),
      layer: db.prepare(`SELECT count(*) FROM ${LAYER_BY_DIR} WHERE layer = @owner AND parent = @parent`).pluck(),
      asOfNodes: db.prepare(`SELECT count(*) FROM (${SELECT.asOfNodes})`).pluck(),
      asOfShadowed: db.prepare(`SELECT count(*) FROM (${SELECT.asOfShadowed})`).pluck(),
    };
  }

  /**
   * Up to `limit` rows of one group (0: directories, 1: the rest) whose key is greater than
   * `after` (the key without its group; null: from the group's start), in key order.
   */
  page(source: ListingSource, sort: ListingSort, group: 0 | 1, owner: number, parent: Buffer, after: PageKey | null, limit: number, params: SourceParams = {}): unknown[][] {
    const folderBytes = params.folderBytes ?? true;
    const id = `${source}/${sort}/${group}/${folderBytes}`;
    let st = this.pages.get(id);
    if (!st) this.pages.set(id, (st = this.db.prepare(pageSql(source, sort, group, folderBytes)).raw()));
    const start: PageKey = sort === 'name' ? [Buffer.alloc(0), -1, -1, -1] : [Number.MIN_SAFE_INTEGER, Buffer.alloc(0), -1, -1, -1];
    const k = after ?? start;
    return st.all({ owner, parent, limit, ...bindings(params), ...Object.fromEntries(k.map((v, i) => [`k${i}`, v])) }) as unknown[][];
  }

  /** Every row named `name` in the folder (the live one, versions that are gone, a layer's repeats). */
  named(source: ListingSource, owner: number, parent: Buffer, name: Buffer, params: SourceParams = {}): unknown[][] {
    return this.byName[source].all({ owner, parent, name, ...bindings(params) }) as unknown[][];
  }

  count(source: ListingSource, owner: number, parent: Buffer, params: SourceParams = {}): number {
    return this.counts[source].get({ owner, parent, ...bindings(params) }) as number;
  }
}
