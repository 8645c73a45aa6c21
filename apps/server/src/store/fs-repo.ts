import type { Db } from './db.js';
import { encodePath } from './path-codec.js';
import { splitPath } from './image-path.js';

/** Columns every entry-like row has (merged node, shadowed entry, layer entry). */
export interface EntryCols {
  parent: Buffer;
  name: Buffer;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  link_target: Buffer | null;
  digest: string | null;
}

export interface NodeRow extends EntryCols {
  uname: string;
  gname: string;
  dev_major: number;
  dev_minor: number;
  xattrs: string | null;
  layer: number;
  implicit: number;
  child_count: number;
  content_layer: number | null;
  content_seq: number | null;
}

export interface ShadowedRow extends EntryCols {
  seq: number;
  layer: number;
  deleted_by: number | null;
  overwritten_by: number | null;
}

export interface LayerEntryRow extends EntryCols {
  seq: number;
  uname: string;
  gname: string;
  dev_major: number;
  dev_minor: number;
  xattrs: string | null;
  data_offset: number;
  header_offset: number;
  implicit: number;
}

export interface SearchRow extends EntryCols {
  deleted: number;
  layer: number;
  child_count: number | null;
  deleted_by: number | null;
  overwritten_by: number | null;
}

export interface SearchQuery {
  /** Lower-cased (ASCII) substring of the absolute path, or a GLOB pattern. */
  pattern: string;
  mode: 'substring' | 'glob-name' | 'glob-path';
  deleted: boolean;
  limit: number;
  offset: number;
}

const ABS_PATH = `('/' || CASE WHEN length(parent) = 0 THEN CAST(name AS TEXT) ELSE parent || '/' || name END)`;
const MATCH = {
  substring: `instr(lower(${ABS_PATH}), CAST(@pattern AS TEXT)) > 0`,
  'glob-name': `CAST(name AS TEXT) GLOB CAST(@pattern AS TEXT)`,
  'glob-path': `${ABS_PATH} GLOB CAST(@pattern AS TEXT)`,
} as const;

/** Indexed lookups into an image's merged filesystem and its layers' own entries. */
export class FsRepo {
  private readonly s;

  constructor(db: Db) {
    const search = (mode: SearchQuery['mode']) => ({
      page: db.prepare(`
        SELECT parent, name, 0 AS deleted, 0 AS seq, type, mode, uid, gid, size, mtime, link_target, digest, layer, child_count,
               NULL AS deleted_by, NULL AS overwritten_by
          FROM fs_nodes WHERE image = @image AND ${MATCH[mode]}
        UNION ALL
        SELECT parent, name, 1, seq, type, mode, uid, gid, size, mtime, link_target, digest, layer, NULL, deleted_by, overwritten_by
          FROM fs_shadowed WHERE @deleted AND image = @image AND ${MATCH[mode]}
        ORDER BY 1, 2, 3, 4 LIMIT @limit OFFSET @offset`),
      count: db.prepare(`SELECT (SELECT count(*) FROM fs_nodes WHERE image = @image AND ${MATCH[mode]})
        + (SELECT count(*) FROM fs_shadowed WHERE @deleted AND image = @image AND ${MATCH[mode]})`).pluck(),
    });
    this.s = {
      node: db.prepare(`SELECT * FROM fs_nodes WHERE image = ? AND parent = ? AND name = ?`),
      children: db.prepare(`SELECT * FROM fs_nodes WHERE image = ? AND parent = ? ORDER BY name`),
      shadowed: db.prepare(`SELECT * FROM fs_shadowed WHERE image = ? AND parent = ? ORDER BY name, seq`),
      layerEntry: db.prepare(`SELECT * FROM layer_entries WHERE layer = ? AND parent = ? AND name = ? ORDER BY implicit, seq DESC LIMIT 1`),
      layerChildren: db.prepare(`SELECT * FROM layer_entries WHERE layer = ? AND parent = ? ORDER BY name, seq`),
      entryBySeq: db.prepare(`SELECT * FROM layer_entries WHERE layer = ? AND seq = ?`),
      search: { substring: search('substring'), 'glob-name': search('glob-name'), 'glob-path': search('glob-path') },
    };
  }

  node(image: number, path: string): NodeRow | undefined {
    const { parent, name } = splitPath(path);
    return this.s.node.get(image, encodePath(parent), encodePath(name)) as NodeRow | undefined;
  }

  children(image: number, dir: string): NodeRow[] {
    return this.s.children.all(image, encodePath(dir)) as NodeRow[];
  }

  shadowedIn(image: number, dir: string): ShadowedRow[] {
    return this.s.shadowed.all(image, encodePath(dir)) as ShadowedRow[];
  }

  /** The entry a layer has for a path (the last one when the tar repeats it; real before implicit). */
  layerEntry(layer: number, path: string): LayerEntryRow | undefined {
    const { parent, name } = splitPath(path);
    return this.s.layerEntry.get(layer, encodePath(parent), encodePath(name)) as LayerEntryRow | undefined;
  }

  layerChildren(layer: number, dir: string): LayerEntryRow[] {
    return this.s.layerChildren.all(layer, encodePath(dir)) as LayerEntryRow[];
  }

  entryBySeq(layer: number, seq: number): LayerEntryRow | undefined {
    return this.s.entryBySeq.get(layer, seq) as LayerEntryRow | undefined;
  }

  search(image: number, q: SearchQuery): { rows: SearchRow[]; total: number } {
    const st = this.s.search[q.mode];
    const pattern = encodePath(q.pattern);
    const deleted = q.deleted ? 1 : 0;
    const rows = st.page.all({ image, pattern, deleted, limit: q.limit, offset: q.offset }) as SearchRow[];
    const total = st.count.get({ image, pattern, deleted }) as number;
    return { rows, total };
  }
}
