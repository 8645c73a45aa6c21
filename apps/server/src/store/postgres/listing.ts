import type { ListingSort } from '@peel/api';
import { encodeName } from '@peel/engine';
import type { ListingOwner, ListingRepo, ListingRow, ListingSource, PageKey, SourceParams } from '../types.js';
import { AS_OF_RECORDED, rowEntry, rowKey } from '../sqlite/listing.js';
import type { PgConn } from './conn.js';
import { Keys } from './keys.js';

/*
 * The SQLite store's listing statements (see store/sqlite/listing.ts for what each source and
 * the as-of rules mean) in PostgreSQL's dialect: the planner picks layer_entries_by_dir by
 * itself, and derived tables are named. Rows come back as arrays in the same column order, so
 * the same row → entry and row → key functions read them.
 */
const folderEntries = (table: string, previousEnd: string, kind: string) => `FROM image_layers il
    JOIN layer_entries AS le ON le.layer = il.layer AND le.parent = ${table}.parent AND le.name = ${table}.name AND ${kind}
  WHERE il.image = @owner AND il.idx <= @asOf AND il.idx >= ${previousEnd}`;
const folderLayerAsOf = (table: string, previousEnd: string) => `coalesce(
  (SELECT max(il.idx) ${folderEntries(table, previousEnd, "le.type = 'dir' AND le.implicit = 0")}),
  (SELECT min(il.idx) ${folderEntries(table, previousEnd, "le.type IN ('dir', 'opaque')")}))`;
const ENDED = 'coalesce(deleted_by, overwritten_by)';
const layerAsOf = (table: string, previousEnd: string) =>
  `CASE WHEN ${table}.layer <= @asOf THEN ${table}.layer WHEN ${table}.type = 'dir' THEN ${folderLayerAsOf(table, previousEnd)} END`;
const previousEnd = (table: string, own: string) => `coalesce((SELECT max(coalesce(prior.deleted_by, prior.overwritten_by)) FROM fs_shadowed AS prior
  WHERE prior.image = @owner AND prior.parent = ${table}.parent AND prior.name = ${table}.name${own}), 0)`;
const NODE_LAYER = layerAsOf('fs_nodes', previousEnd('fs_nodes', ''));
const SHADOWED_LAYER = layerAsOf('fs_shadowed', previousEnd('fs_shadowed',
  ' AND prior.seq <> fs_shadowed.seq AND coalesce(prior.deleted_by, prior.overwritten_by) <= fs_shadowed.layer'));

const SELECT: Record<ListingSource, string> = {
  nodes: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, layer, 0 AS seq, uname, gname, dev_major, dev_minor, xattrs, implicit, child_count, bytes_below
    FROM fs_nodes WHERE image = @owner AND parent = @parent`,
  shadowed: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, layer, seq, deleted_by, overwritten_by
    FROM fs_shadowed WHERE image = @owner AND parent = @parent`,
  lostAt: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, layer, seq, deleted_by, overwritten_by
    FROM fs_shadowed WHERE image = @owner AND parent = @parent AND ${ENDED} = @asOf`,
  layer: `SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, 0 AS layer, seq, uname, gname, dev_major, dev_minor, xattrs, implicit
    FROM layer_entries WHERE layer = @owner AND parent = @parent`,
  asOfNodes: `SELECT * FROM (SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, ${NODE_LAYER} AS layer, 0 AS seq,
      uname, gname, dev_major, dev_minor, xattrs, implicit, fs_nodes.layer AS recorded
    FROM fs_nodes WHERE image = @owner AND parent = @parent) AS t WHERE layer IS NOT NULL`,
  asOfShadowed: `SELECT * FROM (SELECT name, type, mode, uid, gid, size, mtime, link_target, digest, ${SHADOWED_LAYER} AS layer, seq,
      NULL AS uname, NULL AS gname, NULL AS dev_major, NULL AS dev_minor, NULL AS xattrs, NULL AS implicit, fs_shadowed.layer AS recorded
    FROM fs_shadowed WHERE image = @owner AND parent = @parent AND ${ENDED} > @asOf) AS t WHERE layer IS NOT NULL`,
};

/** The key of a row after its group (see page-key.ts): live (1) or gone (0), layer, seq. */
const TAIL: Record<ListingSource, { key: string; order: string }> = {
  nodes: { key: 'name, 1, layer, 0', order: 'name' },
  shadowed: { key: 'name, 0, layer, seq', order: 'name, layer, seq' },
  lostAt: { key: 'name, 0, layer, seq', order: 'name, layer, seq' },
  layer: { key: 'name, 0, 0, seq', order: 'name, seq' },
  asOfNodes: { key: 'name, 1, 0, 0', order: 'name' },
  asOfShadowed: { key: 'name, 1, 0, 0', order: 'name' },
};

const GROUP = ["type = 'dir'", "type <> 'dir'"] as const;

const sizeOf = (source: ListingSource, group: 0 | 1, folderBytes: boolean): string => (source === 'nodes' && group === 0 && folderBytes ? 'bytes_below' : 'size');

function pageSql(source: ListingSource, sort: ListingSort, group: 0 | 1, folderBytes: boolean): string {
  const t = TAIL[source];
  // Typed keys: the cursor's numbers are bound as text, and a row comparison needs its types.
  if (sort === 'name') {
    return `${SELECT[source]} AND ${GROUP[group]} AND name >= @k0::bytea AND (${t.key}) > (@k0::bytea, @k1::bigint, @k2::bigint, @k3::bigint)
      ORDER BY ${t.order} LIMIT @limit`;
  }
  const size = sizeOf(source, group, folderBytes);
  return `${SELECT[source]} AND ${GROUP[group]} AND (-${size}, ${t.key}) > (@k0::bigint, @k1::bytea, @k2::bigint, @k3::bigint, @k4::bigint)
    ORDER BY -${size}, ${t.order} LIMIT @limit`;
}

const COUNT: Record<ListingSource, string> = {
  nodes: `SELECT count(*) FROM fs_nodes WHERE image = @owner AND parent = @parent`,
  shadowed: `SELECT count(*) FROM fs_shadowed WHERE image = @owner AND parent = @parent`,
  lostAt: `SELECT count(*) FROM (${SELECT.lostAt}) AS t`,
  layer: `SELECT count(*) FROM layer_entries WHERE layer = @owner AND parent = @parent`,
  asOfNodes: `SELECT count(*) FROM (${SELECT.asOfNodes}) AS c`,
  asOfShadowed: `SELECT count(*) FROM (${SELECT.asOfShadowed}) AS c`,
};

const BY_NAME: Record<ListingSource, string> = {
  nodes: `${SELECT.nodes} AND name = @name`,
  shadowed: `${SELECT.shadowed} AND name = @name ORDER BY layer, seq`,
  lostAt: `${SELECT.lostAt} AND name = @name ORDER BY layer, seq`,
  layer: `${SELECT.layer} AND name = @name ORDER BY seq`,
  asOfNodes: `${SELECT.asOfNodes} AND name = @name`,
  asOfShadowed: `${SELECT.asOfShadowed} AND name = @name`,
};

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
    const folderBytes = params.folderBytes ?? true;
    const start: PageKey = sort === 'name' ? [Buffer.alloc(0), -1, -1, -1] : [Number.MIN_SAFE_INTEGER, Buffer.alloc(0), -1, -1, -1];
    const k = after ?? start;
    const rows = await this.c.namedArrays(pageSql(source, sort, group, folderBytes),
      { owner: key, parent: encodeName(dir), limit, asOf: params.asOf, ...Object.fromEntries(k.map((v, i) => [`k${i}`, v])) });
    return this.listingRows(source, sort, owner, dir, rows, params);
  }

  async named(source: ListingSource, owner: ListingOwner, dir: string, name: string, sort: ListingSort, params: SourceParams = {}): Promise<ListingRow[]> {
    const key = await this.ownerKey(owner);
    if (key === undefined) return [];
    const rows = await this.c.namedArrays(BY_NAME[source], { owner: key, parent: encodeName(dir), name: encodeName(name), asOf: params.asOf });
    return this.listingRows(source, sort, owner, dir, rows, params);
  }

  async count(source: ListingSource, owner: ListingOwner, dir: string, params: SourceParams = {}): Promise<number> {
    const key = await this.ownerKey(owner);
    if (key === undefined) return 0;
    const [[n]] = await this.c.namedArrays(COUNT[source], { owner: key, parent: encodeName(dir), asOf: params.asOf });
    return n as number;
  }

  private listingRows(source: ListingSource, sort: ListingSort, owner: ListingOwner, dir: string, rows: unknown[][], params: SourceParams): ListingRow[] {
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
}
