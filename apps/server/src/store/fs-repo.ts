import type { Db } from './db.js';
import { decodeName, encodeName } from '@peel/engine';
import { joinPath, splitPath } from './image-path.js';
import { LAYER_BY_DIR } from './migrations.js';

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
  /** Folders: bytes of file content below (merge-writer.ts); null for the rest. */
  bytes_below: number | null;
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
  /** JSON [[offset, length], ...] of a sparse file's data regions, else null. */
  sparse: string | null;
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
/**
 * Substrings compare bytes (BLOB instr), so any name matches exactly. SQLite's GLOB reads
 * invalid UTF-8 as U+FFFD, so a pattern naming raw bytes goes through peel_glob (JS) instead.
 */
const MATCH = {
  substring: `instr(CAST(lower(${ABS_PATH}) AS BLOB), @pattern) > 0`,
  'glob-name': `CAST(name AS TEXT) GLOB CAST(@pattern AS TEXT)`,
  'glob-path': `${ABS_PATH} GLOB CAST(@pattern AS TEXT)`,
  'raw-glob-name': `peel_glob_name(@pattern, name)`,
  'raw-glob-path': `peel_glob_path(@pattern, parent, name)`,
} as const;
type MatchMode = keyof typeof MATCH;

/** Indexed lookups into an image's merged filesystem and its layers' own entries. */
export class FsRepo {
  private readonly s;

  constructor(db: Db) {
    registerGlob(db);
    const search = (mode: MatchMode) => ({
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
      hasShadowed: db.prepare(`SELECT 1 FROM fs_shadowed WHERE image = ? AND parent = ? AND name = ? LIMIT 1`).pluck(),
      // INDEXED BY: left to itself, SQLite scanned the layer's whole primary key for this ORDER BY.
      layerEntry: db.prepare(`SELECT * FROM ${LAYER_BY_DIR} WHERE layer = ? AND parent = ? AND name = ? ORDER BY implicit, seq DESC LIMIT 1`),
      layerChildren: db.prepare(`SELECT * FROM ${LAYER_BY_DIR} WHERE layer = ? AND parent = ? ORDER BY name, seq`),
      entryBySeq: db.prepare(`SELECT * FROM layer_entries WHERE layer = ? AND seq = ?`),
      search: Object.fromEntries(Object.keys(MATCH).map((m) => [m, search(m as MatchMode)])) as Record<MatchMode, ReturnType<typeof search>>,
    };
  }

  node(image: number, path: string): NodeRow | undefined {
    const { parent, name } = splitPath(path);
    return this.s.node.get(image, encodeName(parent), encodeName(name)) as NodeRow | undefined;
  }

  children(image: number, dir: string): NodeRow[] {
    return this.s.children.all(image, encodeName(dir)) as NodeRow[];
  }

  shadowedIn(image: number, dir: string): ShadowedRow[] {
    return this.s.shadowed.all(image, encodeName(dir)) as ShadowedRow[];
  }

  /** True when a lower layer held `path` and a later one deleted or overwrote it. */
  hasShadowed(image: number, path: string): boolean {
    const { parent, name } = splitPath(path);
    return this.s.hasShadowed.get(image, encodeName(parent), encodeName(name)) !== undefined;
  }

  /** The entry a layer has for a path (the last one when the tar repeats it; real before implicit). */
  layerEntry(layer: number, path: string): LayerEntryRow | undefined {
    const { parent, name } = splitPath(path);
    return this.s.layerEntry.get(layer, encodeName(parent), encodeName(name)) as LayerEntryRow | undefined;
  }

  layerChildren(layer: number, dir: string): LayerEntryRow[] {
    return this.s.layerChildren.all(layer, encodeName(dir)) as LayerEntryRow[];
  }

  entryBySeq(layer: number, seq: number): LayerEntryRow | undefined {
    return this.s.entryBySeq.get(layer, seq) as LayerEntryRow | undefined;
  }

  search(image: number, q: SearchQuery): { rows: SearchRow[]; total: number } {
    const raw = q.mode !== 'substring' && /[\uDC80-\uDCFF]/.test(q.pattern);
    const st = this.s.search[raw ? (`raw-${q.mode}` as MatchMode) : q.mode];
    const pattern = encodeName(q.pattern);
    const deleted = q.deleted ? 1 : 0;
    const rows = st.page.all({ image, pattern, deleted, limit: q.limit, offset: q.offset }) as SearchRow[];
    // A page that is not full is the last one: its end is the total, no second scan needed
    // (each scan of a 100k-entry image costs ~20 ms; a rare match is a whole scan already).
    const last = rows.length < q.limit && (rows.length > 0 || q.offset === 0);
    const total = last ? q.offset + rows.length : (st.count.get({ image, pattern, deleted }) as number);
    return { rows, total };
  }
}

/** peel_glob(pattern, subject): SQLite GLOB semantics on decoded (lossless) names and paths. */
function registerGlob(db: Db): void {
  const cache = new Map<string, RegExp>();
  const regexp = (pattern: unknown): RegExp => {
    const src = decodeName(pattern as Buffer);
    let re = cache.get(src);
    if (!re) {
      if (cache.size > 100) cache.clear();
      cache.set(src, (re = globToRegExp(src)));
    }
    return re;
  };
  db.function('peel_glob_name', { deterministic: true }, (pattern: unknown, name: unknown) =>
    (regexp(pattern).test(decodeName(name as Buffer)) ? 1 : 0));
  db.function('peel_glob_path', { deterministic: true }, (pattern: unknown, parent: unknown, name: unknown) =>
    (regexp(pattern).test(`/${joinPath(decodeName(parent as Buffer), decodeName(name as Buffer))}`) ? 1 : 0));
}

export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') out += '[^]*';
    else if (c === '?') out += '[^]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
