import { decodeName, encodeName, type LayerEntry } from '@peel/engine';
import { globToRegExp } from '../glob.js';
import { joinPath, splitPath } from '../image-path.js';
import type { EntryType } from '@peel/api';
import type { FsNodeRecord, FsRepo, ImageId, LayerDigest, LayerEntryRecord, NodeFacts, NodeKey, NodeSketch, SearchHit, SearchQuery, ShadowedRecord } from '../types.js';
import type { Conn } from './conn.js';
import type { Db } from './db.js';
import { Keys } from './keys.js';
import { LAYER_BY_DIR } from './layer-by-dir.js';
import { FACT_COLS, NODE_WITH_CONTENT_SQL, nodeWithContentOf, sketchOf, dataRegions, factsOf, layerEntryOf, nodeOf, xattrsOf, searchHitOf, shadowedOf, type LayerEntryRow, type NodeRow, type SearchRow, type ShadowedRow } from '../rows.js';
import { SubtreeSizes } from './subtree-size.js';

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

const LEAN_COLS = 'seq, parent, name, type, mode, uid, gid, size, link_target, digest, data_offset, header_offset, sparse';
/** A row of LEAN_COLS, then (all columns) uname, gname, mtime, dev_major, dev_minor, xattrs. */
type EntryRow = [number, Buffer, Buffer, string, number, number, number, number, Buffer | null, string | null, number, number, string | null, string?, string?, number?, number?, number?, (string | null)?];
/**
 * Rows of a layer read per statement: the statement finishes before the caller's next await (an
 * open iterator would keep the connection busy across it), and a layer of a million entries is
 * never held whole.
 */
const ENTRIES_PAGE = 8192;


/** Indexed lookups into an image's merged filesystem and its layers' own entries. */
export class SqliteFs implements FsRepo {
  private readonly s;
  private readonly keys: Keys;
  private readonly db: Db;
  /** Prepared on first use: a range scan below a folder, not a read of one folder. */
  private subtrees: SubtreeSizes | undefined;

  constructor(c: Conn) {
    const db = c.db;
    registerGlob(db);
    this.keys = new Keys(c);
    this.db = db;
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
      // Raw rows of the columns a comparison reads: no object per row, no parent bytes per row.
      nodesOfTypes: db.prepare(`SELECT n.parent, n.name, n.type, CASE WHEN n.type = 'hardlink' THEN (SELECT le.size FROM image_layers il JOIN layer_entries le ON le.layer = il.layer AND le.seq = n.content_seq
     WHERE il.image = n.image AND il.idx = n.content_layer AND le.type = 'file') ELSE n.size END AS size, n.link_target
        FROM fs_nodes n WHERE n.image = @image AND n.type IN (SELECT value FROM json_each(@types)) AND (n.parent, n.name) > (@parent, @name)
        ORDER BY n.parent, n.name LIMIT @limit`).raw(),
      // Names are compared as text: the names asked for are the manifests' own (ASCII).
      filesNamed: db.prepare(`SELECT parent, name FROM fs_nodes WHERE image = @image AND type = 'file' AND CAST(name AS TEXT) IN (SELECT value FROM json_each(@names))
        UNION SELECT parent, name FROM fs_shadowed WHERE image = @image AND type = 'file' AND CAST(name AS TEXT) IN (SELECT value FROM json_each(@names))
        ORDER BY 1, 2 LIMIT @limit`).raw(),
      linkedContent: db.prepare(`SELECT DISTINCT n.content_layer AS content_layer, e.* FROM fs_nodes n
      JOIN image_layers il ON il.image = n.image AND il.idx = n.content_layer
      JOIN layer_entries e ON e.layer = il.layer AND e.seq = n.content_seq
      WHERE n.image = ? AND n.type = 'hardlink'`),
      childrenWithContent: db.prepare(NODE_WITH_CONTENT_SQL(() => '?')).raw(),
      childFacts: db.prepare(`SELECT ${FACT_COLS} FROM fs_nodes WHERE image = ? AND parent = ? ORDER BY name`).raw(),
      shadowed: db.prepare(`SELECT * FROM fs_shadowed WHERE image = ? AND parent = ? ORDER BY name, seq`),
      hasShadowed: db.prepare(`SELECT 1 FROM fs_shadowed WHERE image = ? AND parent = ? AND name = ? LIMIT 1`).pluck(),
      // INDEXED BY: left to itself, SQLite scanned the layer's whole primary key for this ORDER BY.
      layerEntry: db.prepare(`SELECT * FROM ${LAYER_BY_DIR} WHERE layer = ? AND parent = ? AND name = ? ORDER BY implicit, seq DESC LIMIT 1`),
      layerChildren: db.prepare(`SELECT * FROM ${LAYER_BY_DIR} WHERE layer = ? AND parent = ? ORDER BY name, seq`),
      entryBySeq: db.prepare(`SELECT * FROM layer_entries WHERE layer = ? AND seq = ?`),
      // A layer's entries as arrays (an object per row, and every row's parent decoded, were most
      // of the cost): every column an entry has, or (lean) only those the findings analysis reads.
      entries: db.prepare(`SELECT ${LEAN_COLS}, uname, gname, mtime, dev_major, dev_minor, xattrs
        FROM layer_entries WHERE layer = ? AND seq > ? AND implicit = 0 ORDER BY seq LIMIT ${ENTRIES_PAGE}`).raw(true),
      leanEntries: db.prepare(`SELECT ${LEAN_COLS} FROM layer_entries WHERE layer = ? AND seq > ? AND implicit = 0 ORDER BY seq LIMIT ${ENTRIES_PAGE}`).raw(true),
      search: Object.fromEntries(Object.keys(MATCH).map((m) => [m, search(m as MatchMode)])) as Record<MatchMode, ReturnType<typeof search>>,
    };
  }

  async node(id: ImageId, path: string): Promise<FsNodeRecord | undefined> {
    const image = this.keys.image(id);
    if (image === undefined) return undefined;
    const { parent, name } = splitPath(path);
    const row = this.s.node.get(image, encodeName(parent), encodeName(name)) as NodeRow | undefined;
    return row && nodeOf(row);
  }

  async childrenWithContent(id: ImageId, dir: string): Promise<Array<{ node: FsNodeRecord; content: LayerEntry | null }>> {
    const image = this.keys.image(id);
    if (image === undefined) return [];
    const parents = new Map<string, string>();
    return (this.s.childrenWithContent.all(image, encodeName(dir)) as unknown[][]).map((r) => nodeWithContentOf(dir, r, parents));
  }

  async childFacts(id: ImageId, dir: string): Promise<NodeFacts[]> {
    const image = this.keys.image(id);
    if (image === undefined) return [];
    return (this.s.childFacts.all(image, encodeName(dir)) as unknown[][]).map((r) => factsOf(dir, r));
  }

  async shadowedIn(id: ImageId, dir: string): Promise<ShadowedRecord[]> {
    const image = this.keys.image(id);
    if (image === undefined) return [];
    return (this.s.shadowed.all(image, encodeName(dir)) as ShadowedRow[]).map(shadowedOf);
  }

  async hasShadowed(id: ImageId, path: string): Promise<boolean> {
    const image = this.keys.image(id);
    if (image === undefined) return false;
    const { parent, name } = splitPath(path);
    return this.s.hasShadowed.get(image, encodeName(parent), encodeName(name)) !== undefined;
  }

  async nodesOfTypes(id: ImageId, types: readonly EntryType[], after: NodeKey | null, limit: number): Promise<NodeSketch[]> {
    const image = this.keys.image(id);
    if (image === undefined) return [];
    const rows = this.s.nodesOfTypes.all({
      image, types: JSON.stringify(types), limit,
      // Before every (parent, name): an empty parent sorts first, and no name is empty but the root's.
      parent: encodeName(after?.parent ?? ''), name: after ? encodeName(after.name) : Buffer.alloc(0),
    }) as unknown[][];
    return rows.map(sketchOf);
  }

  async linkedContent(id: ImageId): Promise<Array<{ layer: number; entry: LayerEntry }>> {
    const image = this.keys.image(id);
    if (image === undefined) return [];
    return (this.s.linkedContent.all(image) as Array<LayerEntryRow & { content_layer: number }>).map((r) => ({ layer: r.content_layer, entry: layerEntryOf(r).entry }));
  }

  async filesNamed(id: ImageId, names: readonly string[], limit: number): Promise<string[]> {
    const image = this.keys.image(id);
    if (image === undefined) return [];
    return (this.s.filesNamed.all({ image, names: JSON.stringify(names), limit }) as Buffer[][]).map(([parent, name]) => joinPath(decodeName(parent), decodeName(name)));
  }

  async bytesBelow(id: ImageId, dir: string): Promise<number> {
    const image = this.keys.image(id);
    return image === undefined ? 0 : (this.subtrees ??= new SubtreeSizes(this.db)).below(image, dir);
  }

  async layerEntry(layer: LayerDigest, path: string): Promise<LayerEntryRecord | undefined> {
    const key = this.keys.layer(layer);
    if (key === undefined) return undefined;
    const { parent, name } = splitPath(path);
    const row = this.s.layerEntry.get(key, encodeName(parent), encodeName(name)) as LayerEntryRow | undefined;
    return row && layerEntryOf(row);
  }

  async layerChildren(layer: LayerDigest, dir: string): Promise<LayerEntryRecord[]> {
    const key = this.keys.layer(layer);
    if (key === undefined) return [];
    return (this.s.layerChildren.all(key, encodeName(dir)) as LayerEntryRow[]).map(layerEntryOf);
  }

  async entryBySeq(layer: LayerDigest, seq: number): Promise<LayerEntryRecord | undefined> {
    const key = this.keys.layer(layer);
    if (key === undefined) return undefined;
    const row = this.s.entryBySeq.get(key, seq) as LayerEntryRow | undefined;
    return row && layerEntryOf(row);
  }

  async *layerEntries(layer: LayerDigest, opts: { lean?: boolean } = {}): AsyncIterable<LayerEntry> {
    const key = this.keys.layer(layer);
    if (key === undefined) return;
    const parents = new Map<string, string>();
    const st = opts.lean ? this.s.leanEntries : this.s.entries;
    for (let after = -1; ;) {
      const rows = st.all(key, after) as EntryRow[];
      const out: LayerEntry[] = [];
      for (const r of rows) {
        const [seq, parentRaw, name, type, mode, uid, gid, size, link, digest, dataOffset, headerOffset, sparse, uname = '', gname = '', mtime = 0, devMajor = 0, devMinor = 0, xattrs = null] = r;
        after = seq;
        // Each folder name is decoded once (per page: a layer's folders come together in tar order).
        const pk = parentRaw.toString('latin1');
        let parent = parents.get(pk);
        if (parent === undefined) parents.set(pk, (parent = decodeName(parentRaw)));
        out.push({
          path: joinPath(parent, decodeName(name)), type: type as LayerEntry['type'], mode, uid, gid, uname, gname, size, mtime,
          linkTarget: link === null ? null : decodeName(link), devMajor, devMinor, xattrs: xattrsOf(xattrs), dataOffset, headerOffset, digest,
          sparse: dataRegions(sparse),
        });
      }
      parents.clear();
      yield* out;
      if (rows.length < ENTRIES_PAGE) return;
    }
  }

  async search(id: ImageId, q: SearchQuery): Promise<{ hits: SearchHit[]; total: number }> {
    const image = this.keys.image(id);
    if (image === undefined) return { hits: [], total: 0 };
    const raw = q.mode !== 'substring' && /[\uDC80-\uDCFF]/.test(q.pattern);
    const st = this.s.search[raw ? (`raw-${q.mode}` as MatchMode) : q.mode];
    const pattern = encodeName(q.pattern);
    const deleted = q.deleted ? 1 : 0;
    const rows = st.page.all({ image, pattern, deleted, limit: q.limit, offset: q.offset }) as SearchRow[];
    // A page that is not full is the last one: its end is the total, no second scan needed
    // (each scan of a 100k-entry image costs ~20 ms; a rare match is a whole scan already).
    const last = rows.length < q.limit && (rows.length > 0 || q.offset === 0);
    const total = last ? q.offset + rows.length : (st.count.get({ image, pattern, deleted }) as number);
    return { hits: rows.map(searchHitOf), total };
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
