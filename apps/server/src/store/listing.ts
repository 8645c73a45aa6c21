import type { EntryType, FsEntry, ListingSort } from '@peel/api';
import { decodeName } from '@peel/engine';
import type { ListingOwner, ListingRow, ListingSource, PageKey, SourceParams } from './types.js';

/**
 * A paged folder listing as both stores read it: the statements (`@name` placeholders; the
 * PostgreSQL store numbers them) and the row → entry and row → key rules. Rows come back as
 * arrays in one column order, whatever the source. Only the dialect differs (ListingDialect).
 */
export interface ListingDialect {
  /** layer_entries (as `alias`) read by folder: SQLite names the index it must use. */
  layerByDir(alias?: string): string;
  /** The cursor's i-th key value as bound: PostgreSQL needs each one typed to compare a row value. */
  key(i: number, type: 'bytes' | 'int'): string;
}

/** Column positions of a raw listing row (every source selects these first, in this order). */
const COL = { name: 0, type: 1, mode: 2, uid: 3, gid: 4, size: 5, mtime: 6, linkTarget: 7, digest: 8, layer: 9, seq: 10, x1: 11 } as const;
/** As-of rows: the layer of the stored version, which for a folder can be above the one shown. */
const AS_OF_RECORDED = COL.x1 + 6;

const ENDED = 'coalesce(deleted_by, overwritten_by)';

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

export interface ListingSql {
  /** A page of one group after the cursor @k0.. (@limit rows). */
  page(source: ListingSource, sort: ListingSort, group: 0 | 1, folderBytes: boolean): string;
  /** The rows named @name. */
  byName: Record<ListingSource, string>;
  count: Record<ListingSource, string>;
}

export function listingSql(d: ListingDialect): ListingSql {
  /*
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
    JOIN ${d.layerByDir('le')} ON le.layer = il.layer AND le.parent = ${table}.parent AND le.name = ${table}.name AND ${kind}
  WHERE il.image = @owner AND il.idx <= @asOf AND il.idx >= ${previousEnd}`;
  const folderLayerAsOf = (table: string, previousEnd: string) => `coalesce(
  (SELECT max(il.idx) ${folderEntries(table, previousEnd, "le.type = 'dir' AND le.implicit = 0")}),
  (SELECT min(il.idx) ${folderEntries(table, previousEnd, "le.type IN ('dir', 'opaque')")}))`;
  const layerAsOf = (table: string, previousEnd: string) =>
    `CASE WHEN ${table}.layer <= @asOf THEN ${table}.layer WHEN ${table}.type = 'dir' THEN ${folderLayerAsOf(table, previousEnd)} END`;
  /** The layer that ended the path's version before this one (0: none did). */
  const previousEnd = (table: string, own: string) => `coalesce((SELECT max(coalesce(prior.deleted_by, prior.overwritten_by)) FROM fs_shadowed AS prior
  WHERE prior.image = @owner AND prior.parent = ${table}.parent AND prior.name = ${table}.name${own}), 0)`;
  const nodeLayer = layerAsOf('fs_nodes', previousEnd('fs_nodes', ''));
  const shadowedLayer = layerAsOf('fs_shadowed', previousEnd('fs_shadowed',
    ' AND prior.seq <> fs_shadowed.seq AND coalesce(prior.deleted_by, prior.overwritten_by) <= fs_shadowed.layer'));

  const select: Record<ListingSource, string> = {
    // x1.. : uname, gname, dev_major, dev_minor, xattrs, implicit, child_count, bytes_below
    nodes: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, layer, 0 AS seq, uname, gname, dev_major, dev_minor, xattrs, implicit, child_count, bytes_below
    FROM fs_nodes WHERE image = @owner AND parent = @parent`,
    // x1.. : deleted_by, overwritten_by
    shadowed: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, layer, seq, deleted_by, overwritten_by
    FROM fs_shadowed WHERE image = @owner AND parent = @parent`,
    // x1.. : deleted_by, overwritten_by
    lostAt: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, layer, seq, deleted_by, overwritten_by
    FROM fs_shadowed WHERE image = @owner AND parent = @parent AND ${ENDED} = @asOf`,
    // x1.. : uname, gname, dev_major, dev_minor, xattrs, implicit
    layer: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, 0 AS layer, seq, uname, gname, dev_major, dev_minor, xattrs, implicit
    FROM ${d.layerByDir()} WHERE layer = @owner AND parent = @parent`,
    // x1.. : uname, gname, dev_major, dev_minor, xattrs, implicit, recorded (the layer column is the layer as of @asOf)
    asOfNodes: `SELECT * FROM (SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, ${nodeLayer} AS layer, 0 AS seq,
      uname, gname, dev_major, dev_minor, xattrs, implicit, fs_nodes.layer AS recorded
    FROM fs_nodes WHERE image = @owner AND parent = @parent) AS t WHERE layer IS NOT NULL`,
    // x1.. : null × 6 (what fs_shadowed does not keep), recorded
    asOfShadowed: `SELECT * FROM (SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, ${shadowedLayer} AS layer, seq,
      NULL AS uname, NULL AS gname, NULL AS dev_major, NULL AS dev_minor, NULL AS xattrs, NULL AS implicit, fs_shadowed.layer AS recorded
    FROM fs_shadowed WHERE image = @owner AND parent = @parent AND ${ENDED} > @asOf) AS t WHERE layer IS NOT NULL`,
  };

  const k = (types: ReadonlyArray<'bytes' | 'int'>) => types.map((t, i) => d.key(i, t)).join(', ');
  const pageSql = (source: ListingSource, sort: ListingSort, group: 0 | 1, folderBytes: boolean): string => {
    const t = TAIL[source];
    if (sort === 'name') {
      // `name >= @k0` lets the database seek the primary key (or the layer's dir index) to the cursor.
      return `${select[source]} AND ${GROUP[group]} AND name >= ${d.key(0, 'bytes')} AND (${t.key}) > (${k(['bytes', 'int', 'int', 'int'])})
      ORDER BY ${t.order} LIMIT @limit`;
    }
    const size = sizeOf(source, group, folderBytes);
    return `${select[source]} AND ${GROUP[group]} AND (-${size}, ${t.key}) > (${k(['int', 'bytes', 'int', 'int', 'int'])})
      ORDER BY -${size}, ${t.order} LIMIT @limit`;
  };
  // Built once per shape: a page is asked for often, and its as-of text is long.
  const pages = new Map<string, string>();
  return {
    page(source, sort, group, folderBytes) {
      const id = `${source}/${sort}/${group}/${folderBytes}`;
      let text = pages.get(id);
      if (text === undefined) pages.set(id, (text = pageSql(source, sort, group, folderBytes)));
      return text;
    },
    byName: {
      nodes: `${select.nodes} AND name = @name`,
      shadowed: `${select.shadowed} AND name = @name ORDER BY layer, seq`,
      lostAt: `${select.lostAt} AND name = @name ORDER BY layer, seq`,
      layer: `${select.layer} AND name = @name ORDER BY seq`,
      asOfNodes: `${select.asOfNodes} AND name = @name`,
      asOfShadowed: `${select.asOfShadowed} AND name = @name`,
    },
    count: {
      nodes: `SELECT count(*) FROM fs_nodes WHERE image = @owner AND parent = @parent`,
      shadowed: `SELECT count(*) FROM fs_shadowed WHERE image = @owner AND parent = @parent`,
      lostAt: `SELECT count(*) FROM (${select.lostAt}) AS c`,
      layer: `SELECT count(*) FROM ${d.layerByDir()} WHERE layer = @owner AND parent = @parent`,
      asOfNodes: `SELECT count(*) FROM (${select.asOfNodes}) AS c`,
      asOfShadowed: `SELECT count(*) FROM (${select.asOfShadowed}) AS c`,
    },
  };
}

/** The cursor before a group's first row. */
export const firstKey = (sort: ListingSort): PageKey => (sort === 'name' ? [Buffer.alloc(0), -1, -1, -1] : [Number.MIN_SAFE_INTEGER, Buffer.alloc(0), -1, -1, -1]);

/** The cursor's values as the statements' @k0.. parameters. */
export const keyParams = (key: PageKey): Record<string, unknown> => Object.fromEntries(key.map((v, i) => [`k${i}`, v]));

/** Raw listing rows of folder `dir` → the API's entries with their page keys. */
export function listingRows(source: ListingSource, sort: ListingSort, owner: ListingOwner, dir: string, rows: unknown[][], params: SourceParams): ListingRow[] {
  const prefix = dir === '' ? '/' : `/${dir}/`;
  const layer = 'layerIndex' in owner ? owner.layerIndex : undefined;
  const folderBytes = params.folderBytes ?? true;
  const asOf = source === 'asOfNodes' || source === 'asOfShadowed';
  return rows.map((r) => ({
    entry: rowEntry(source, r, prefix, layer, folderBytes),
    key: rowKey(source, sort, r, folderBytes),
    recorded: asOf ? (r[AS_OF_RECORDED] as number) : null,
  }));
}

/** A raw listing row → the API's FsEntry. */
function rowEntry(source: ListingSource, r: unknown[], dirPrefix: string, layer: number | undefined, folderBytes: boolean): FsEntry {
  const name = decodeName(r[COL.name] as Buffer);
  const type = r[COL.type] as EntryType;
  const link = r[COL.linkTarget] as Buffer | null;
  const e: FsEntry = {
    name,
    path: dirPrefix + name,
    type,
    mode: r[COL.mode] as number,
    uid: r[COL.uid] as number,
    gid: r[COL.gid] as number,
    size: r[COL.size] as number,
    mtime: r[COL.mtime] as number,
    linkTarget: link === null ? null : decodeName(link),
    layer: source === 'layer' ? layer! : (r[COL.layer] as number),
    digest: r[COL.digest] as string | null,
  };
  if (source === 'shadowed' || source === 'lostAt') {
    if (r[COL.x1] !== null) e.deletedBy = r[COL.x1] as number;
    if (r[COL.x1 + 1] !== null) e.overwrittenBy = r[COL.x1 + 1] as number;
    return e;
  }
  // A version that is gone since keeps no owner names, device numbers or xattrs.
  if (source === 'asOfShadowed') return e;
  e.uname = r[COL.x1] as string;
  e.gname = r[COL.x1 + 1] as string;
  e.devMajor = r[COL.x1 + 2] as number;
  e.devMinor = r[COL.x1 + 3] as number;
  const xattrs = r[COL.x1 + 4] as string | null;
  e.xattrs = xattrs === null ? null : (JSON.parse(xattrs) as Record<string, string>);
  e.implicit = r[COL.x1 + 5] === 1;
  if (source === 'nodes' && type === 'dir') {
    e.childCount = r[COL.x1 + 6] as number;
    if (folderBytes) e.bytesBelow = r[COL.x1 + 7] as number;
  }
  return e;
}

/** What a row sorts by with sort=size: a merged folder's bytes below it, else its own size. */
const sortSize = (source: ListingSource, r: unknown[], folderBytes: boolean): number =>
  (source === 'nodes' && folderBytes && r[COL.type] === 'dir' ? (r[COL.x1 + 7] as number) : (r[COL.size] as number));

/** A row's page key (services/page-key.ts KEY_SHAPES): group, [−size,] name, live, layer, seq. */
function rowKey(source: ListingSource, sort: ListingSort, r: unknown[], folderBytes: boolean): PageKey {
  const group = r[COL.type] === 'dir' ? 0 : 1;
  const name = r[COL.name] as Buffer;
  // As of a layer one version of a name is alive: the name alone orders it (TAIL).
  const tail = source === 'asOfNodes' || source === 'asOfShadowed'
    ? [name, 1, 0, 0]
    : [name, source === 'nodes' ? 1 : 0, source === 'layer' ? 0 : (r[COL.layer] as number), source === 'nodes' ? 0 : (r[COL.seq] as number)];
  return sort === 'name' ? [group, ...tail] : [group, -sortSize(source, r, folderBytes), ...tail];
}
