import { decodeName, encodeName, type LayerEntry } from '@peel/engine';
import { globToRegExp } from '../glob.js';
import { joinPath, splitPath } from '../image-path.js';
import type { EntryType } from '@peel/api';
import { shadowedSeqAfter, type FsNodeRecord, type FsRepo, type ImageId, type LayerDigest, type LayerEntryRecord, type NodeFacts, type NodeKey, type NodeSketch, type SearchHit, type SearchQuery, type ShadowedRecord } from '../types.js';
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

/** A search hit's columns (a SearchRow), live and shadowed, ordered by path then deleted then seq. */
const SEARCH_NODE_COLS = `parent, name, 0 AS deleted, 0 AS seq, type, mode, uid, gid, size, mtime, link_target, digest, layer, child_count,
  NULL AS deleted_by, NULL AS overwritten_by`;
const SEARCH_SHADOWED_COLS = `parent, name, 1 AS deleted, seq, type, mode, uid, gid, size, mtime, link_target, digest, layer, NULL AS child_count,
  deleted_by, overwritten_by`;

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
  private readonly conn: Conn;
  /** Prepared on first use: a range scan below a folder, not a read of one folder. */
  private subtrees: SubtreeSizes | undefined;

  constructor(c: Conn) {
    const db = c.db;
    registerGlob(db);
    this.keys = new Keys(c);
    this.db = db;
    this.conn = c;
    // The scan's hits in order: each table's rows (`nodes`, `shadowed`: more conditions), then `tail`.
    const scan = (mode: MatchMode, nodes: string, shadowed: string, tail: string) => `
        SELECT ${SEARCH_NODE_COLS} FROM fs_nodes WHERE image = @image${nodes} AND ${MATCH[mode]}
        UNION ALL
        SELECT ${SEARCH_SHADOWED_COLS} FROM fs_shadowed WHERE @deleted AND image = @image${shadowed} AND ${MATCH[mode]}
        ORDER BY 1, 2, 3, 4 ${tail}`;
    const search = (mode: MatchMode) => ({
      page: db.prepare(scan(mode, '', '', 'LIMIT @limit OFFSET @offset')),
      // The page after a hit (@parent, @name, @seq: shadowedSeqAfter): a seek, where the OFFSET
      // above walks every hit before the page.
      pageAfter: db.prepare(scan(mode, ' AND (parent, name) > (@parent, @name)', ' AND (parent, name, seq) > (@parent, @name, @seq)', 'LIMIT @limit')),
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
    const mode: MatchMode = raw ? (`raw-${q.mode}` as MatchMode) : q.mode;
    const pattern = encodeName(q.pattern);
    const deleted = q.deleted ? 1 : 0;
    const indexed = this.searchIndexed(image, mode, pattern, deleted, q);
    if (indexed) return indexed;
    const st = this.s.search[mode];
    const rows = this.scanPage(mode, { image, pattern, deleted }, q);
    // A page that is not full is the last one: its end is the total, no second scan needed
    // (each scan of a 100k-entry image costs ~20 ms; a rare match is a whole scan already).
    const last = rows.length < q.limit && (rows.length > 0 || q.offset === 0);
    const total = last ? q.offset + rows.length : q.total ?? (st.count.get({ image, pattern, deleted }) as number);
    return { hits: rows.map(searchHitOf), total };
  }

  /**
   * The search through fs_folders and fs_names (see migrations.ts) when the pattern allows it and
   * its rows by name are few; undefined otherwise, and the caller scans the image's rows (as quick
   * as a page of hits gets when nearly every path matches). The folders whose part holds the
   * pattern are counted, not read: every row in them matches, so their rows are read only where
   * they fall on the page.
   */
  private searchIndexed(image: number, mode: MatchMode, pattern: Buffer, deleted: number, q: SearchQuery): { hits: SearchHit[]; total: number } | undefined {
    const terms = searchTerms(mode, pattern);
    if (terms === undefined) return undefined;
    const params: Record<string, unknown> = { image, pattern, deleted, ...terms.params };
    const folders = terms.folders ? this.matchingFolders(terms.folders('folder'), params) : [];
    if (folders === undefined) return undefined;
    let keys: SearchKey[] = [];
    if (terms.names) {
      const names = terms.names;
      const ready = this.conn.stmt(`SELECT 1 FROM fs_by_name_ready WHERE image = ?`).pluck().get(image) === 1;
      // The matching names, and once the rows by name are built (with their counts) their rows.
      const named = ready
        ? this.conn.stmt(`SELECT count(*) AS names, coalesce(sum(live), 0) AS live, coalesce(sum(shadowed), 0) AS shadowed FROM fs_name_counts
            WHERE image = @image AND ${names}`).get(params) as { names: number; live: number; shadowed: number }
        : { names: this.conn.stmt(`SELECT count(*) FROM fs_names WHERE image = @image AND ${names}`).pluck().get(params) as number, live: 0, shadowed: 0 };
      // Too many name hits to sort: counted by name instead, the page read in order by the scan's
      // statement (which stops at the page's end).
      const counted = () => (ready && terms.namesEverywhere
        ? this.countedSearch(mode, folders, named.live + (deleted ? named.shadowed : 0), names, params, q) : undefined);
      let byName = false;
      // Each (folder, name) pair is one seek of the primary key (about 5–10 µs each at 3 million rows).
      const nameFolders = this.conn.stmt(`SELECT sum(live) + (CASE WHEN @deleted THEN sum(shadowed) ELSE 0 END) FROM fs_folders
        WHERE image = @image AND ${terms.nameFolders('folder')}`).pluck().get(params) as number | null ?? 0;
      const seeks = nameFolders * named.names;
      // A row of fs_by_name read in its range costs far less than a seek: read them when they are
      // few beside the seeks (a name in every folder), not when a folder narrows the seeks to a few.
      if (ready) {
        // The rows by name of the matching names (live and deleted: a range holds both).
        const bound = Math.min(SEARCH_INDEXED_MAX_SEEKS, BY_NAME_ROWS_PER_SEEK * seeks);
        const rows = named.live + named.shadowed;
        byName = rows <= bound;
        // More rows by name than it sorts: counted, when it can be, without reading their keys.
        if (byName && rows > SEARCH_INDEXED_MAX_HITS) {
          const found = counted();
          if (found) return found;
        }
      }
      if (!byName && seeks > SEARCH_INDEXED_MAX_SEEKS) return counted();
      // The name hits' keys without an order (so the statement stops at the bound), sorted here.
      keys = this.conn.stmt(`${nameHits(mode, terms.nameFolders, names, byName)} LIMIT ${SEARCH_INDEXED_MAX_HITS + 1}`).raw().all(params) as SearchKey[];
      if (keys.length > SEARCH_INDEXED_MAX_HITS) return counted();
      keys.sort(bySearchOrder);
    }
    return this.searchPage(image, deleted, folders, keys, q);
  }

  /**
   * A search whose names (`names`) match in every folder (`namesEverywhere`), from the rows each
   * name has (`named`: their sum in fs_name_counts, complete once the rows by name are, the
   * deleted ones if asked for): the total is the matching folders' rows
   * and the matching names' rows, less the latter's rows in the former (read when those folders
   * are few); the page is the scan's, which walks the rows in order and stops at the page's end
   * (a page deep into sparse hits walks far).
   */
  private countedSearch(mode: MatchMode, folders: readonly FolderHits[], named: number, names: string, params: Record<string, unknown>, q: SearchQuery): { hits: SearchHit[]; total: number } | undefined {
    const folderRows = folders.reduce((n, f) => n + f.rows, 0);
    if (folderRows > SEARCH_INDEXED_MAX_HITS) return undefined;
    const liveNamed = this.conn.stmt(`SELECT count(*) FROM fs_nodes WHERE image = @image AND parent = @folder AND ${names}`).pluck();
    const shadowedNamed = this.conn.stmt(`SELECT count(*) FROM fs_shadowed WHERE image = @image AND parent = @folder AND ${names}`).pluck();
    let namedInFolders = 0;
    for (const { folder } of folders) {
      namedInFolders += liveNamed.get({ ...params, folder }) as number;
      if (params.deleted) namedInFolders += shadowedNamed.get({ ...params, folder }) as number;
    }
    const rows = this.scanPage(mode, params, q);
    return { hits: rows.map(searchHitOf), total: folderRows + named - namedInFolders };
  }

  /** A page of the scan's hits in order: sought past `q.after` when given, else `q.offset` hits walked. */
  private scanPage(mode: MatchMode, params: Record<string, unknown>, q: SearchQuery): SearchRow[] {
    const st = this.s.search[mode];
    const { image, pattern, deleted } = params;
    if (q.after === undefined) return st.page.all({ image, pattern, deleted, limit: q.limit, offset: q.offset }) as SearchRow[];
    return st.pageAfter.all({ image, pattern, deleted, limit: q.limit, parent: encodeName(q.after.parent), name: encodeName(q.after.name), seq: shadowedSeqAfter(q.after) }) as SearchRow[];
  }

  /**
   * The folders whose every row matches (`where`, on column `folder`), in byte order, each with
   * its rows (the deleted ones too if asked for). Undefined when there are too many to list.
   */
  private matchingFolders(where: string, params: Record<string, unknown>): FolderHits[] | undefined {
    const found = this.conn.stmt(`SELECT folder, live_rows + (CASE WHEN @deleted THEN shadowed_rows ELSE 0 END) FROM fs_folders
      WHERE image = @image AND (live OR (@deleted AND shadowed)) AND ${where}
      ORDER BY folder LIMIT ${SEARCH_INDEXED_MAX_FOLDERS + 1}`).raw().all(params) as Array<[Buffer, number]>;
    if (found.length > SEARCH_INDEXED_MAX_FOLDERS) return undefined;
    return found.map(([folder, rows]) => ({ folder, rows }));
  }

  /**
   * The page of hits `q` asks for, out of the counted folders and the sorted name hits (never in
   * the same folder), in the search's order; total: all of them.
   */
  private searchPage(image: number, deleted: number, folders: readonly FolderHits[], keys: readonly SearchKey[], q: SearchQuery): { hits: SearchHit[]; total: number } {
    const node = this.conn.stmt(`SELECT ${SEARCH_NODE_COLS} FROM fs_nodes WHERE image = ? AND parent = ? AND name = ?`);
    const shadowed = this.conn.stmt(`SELECT ${SEARCH_SHADOWED_COLS} FROM fs_shadowed WHERE image = ? AND parent = ? AND name = ? AND seq = ?`);
    const inFolder = this.conn.stmt(deleted
      ? `SELECT ${SEARCH_NODE_COLS} FROM fs_nodes WHERE image = @image AND parent = @folder
         UNION ALL SELECT ${SEARCH_SHADOWED_COLS} FROM fs_shadowed WHERE image = @image AND parent = @folder
         ORDER BY 2, 3, 4 LIMIT @limit OFFSET @offset`
      : `SELECT ${SEARCH_NODE_COLS} FROM fs_nodes WHERE image = @image AND parent = @folder ORDER BY name LIMIT @limit OFFSET @offset`);
    const rows: SearchRow[] = [];
    const end = q.offset + q.limit;
    let at = 0;
    let k = 0;
    const takeKeys = (before: Buffer | null) => {
      for (; k < keys.length && (before === null || Buffer.compare(keys[k][0], before) < 0); k++, at++) {
        if (at < q.offset || at >= end) continue;
        const [parent, name, gone, seq] = keys[k];
        rows.push((gone ? shadowed.get(image, parent, name, seq) : node.get(image, parent, name)) as SearchRow);
      }
    };
    for (const f of folders) {
      takeKeys(f.folder);
      if (at + f.rows > q.offset && at < end) {
        const offset = Math.max(0, q.offset - at);
        rows.push(...inFolder.all({ image, folder: f.folder, offset, limit: Math.min(f.rows, end - at) - offset }) as SearchRow[]);
      }
      at += f.rows;
    }
    takeKeys(null);
    return { hits: rows.map(searchHitOf), total: at };
  }
}

/** A folder whose every row is a hit, and how many rows it has (the deleted ones if asked for). */
interface FolderHits {
  folder: Buffer;
  rows: number;
}

/** A hit's key: parent, name, deleted (0 or 1), seq (0 for a live node). */
type SearchKey = [Buffer, Buffer, number, number];
/** The search's order (the scan's ORDER BY 1, 2, 3, 4): bytes of the parent, of the name, live first, then seq. */
const bySearchOrder = (a: SearchKey, b: SearchKey): number => Buffer.compare(a[0], b[0]) || Buffer.compare(a[1], b[1]) || a[2] - b[2] || a[3] - b[3];

/** Above this many hits by name the indexed search gives way to a scan: it sorts them for a page. */
const SEARCH_INDEXED_MAX_HITS = 20_000;
/** Above this many folders that match whole the search gives way to a scan. */
const SEARCH_INDEXED_MAX_FOLDERS = 100_000;
/** Above this many (folder, name) seeks (or rows by name) a pattern that names match is scanned for. */
const SEARCH_INDEXED_MAX_SEEKS = 50_000;
/** Rows by name read instead of each seek, at most. */
const BY_NAME_ROWS_PER_SEEK = 4;

/** A folder's part of an absolute path, '/' folder '/' (the root's: '/'), lowered as the scan lowers; `col` holds the folder. */
const folderPart = (col: string): string => `CAST(lower(CASE WHEN length(${col}) = 0 THEN '/' ELSE '/' || ${col} || '/' END) AS BLOB)`;

/**
 * A pattern's rows, in terms that never both hold for one row (so their rows add up without a
 * dedupe, and a count can stop early): the rows of the folders whose part holds the pattern;
 * then, in the other folders, the rows whose name matches — for a pattern with a '/', a folder
 * part that ends with the pattern up to its last '/' (@head) and a name that starts with the
 * rest (@tail).
 */
interface SearchTerms {
  /** Folders (in column `col`) whose every row matches (null: none do, as for a glob on the name). */
  folders: ((col: string) => string) | null;
  /** The other folders, where rows match by name (with `names`). */
  nameFolders: (col: string) => string;
  /** Names that match in `nameFolders` (null: none). */
  names: string | null;
  /** Whether `nameFolders` is every folder but those that match whole (no other condition on the folder). */
  namesEverywhere: boolean;
  params: Record<string, Buffer>;
}

/** How the index finds a pattern's rows, or undefined when it cannot (a glob over the whole path). */
function searchTerms(mode: MatchMode, pattern: Buffer): SearchTerms | undefined {
  if (mode === 'glob-name') return { folders: null, nameFolders: () => '1', names: `CAST(name AS TEXT) GLOB CAST(@pattern AS TEXT)`, namesEverywhere: true, params: {} };
  if (mode === 'raw-glob-name') return { folders: null, nameFolders: () => '1', names: `peel_glob_name(@pattern, name)`, namesEverywhere: true, params: {} };
  if (mode !== 'substring') return undefined;
  const folders = (col: string) => `instr(${folderPart(col)}, @pattern) > 0`;
  const others = (col: string) => `NOT (${folders(col)})`;
  const slash = pattern.lastIndexOf(0x2f);
  if (slash < 0) return { folders, nameFolders: others, names: `instr(CAST(lower(name) AS BLOB), @pattern) > 0`, namesEverywhere: true, params: {} };
  const tail = pattern.subarray(slash + 1);
  if (tail.length === 0) return { folders, nameFolders: others, names: null, namesEverywhere: false, params: {} };
  return {
    folders,
    nameFolders: (col) => `${others(col)} AND substr(${folderPart(col)}, -length(@head)) = @head`,
    names: `substr(CAST(lower(name) AS BLOB), 1, length(@tail)) = @tail`,
    namesEverywhere: false,
    params: { head: pattern.subarray(0, slash + 1), tail },
  };
}

/** The matching names of an image (`names`: SearchTerms.names). */
const namesIn = (names: string): string => `name IN (SELECT name FROM fs_names WHERE image = @image AND ${names})`;

/**
 * The keys (SearchKey) of the rows that match by name in the folders that do not match whole,
 * each once, unordered. `byName`: read from fs_by_name (one range per name) instead of sought
 * folder by folder.
 */
function nameHits(mode: MatchMode, nameFolders: SearchTerms['nameFolders'], names: string, byName: boolean): string {
  // Matched again row by row: the pattern's rows are the scan's, whatever the terms found.
  const match = `image = @image AND ${MATCH[mode]}`;
  if (byName) {
    return `SELECT parent, name, deleted, seq FROM fs_by_name WHERE (@deleted OR deleted = 0) AND ${match} AND ${nameFolders('parent')}
      AND ${namesIn(names)}`;
  }
  // Each table's rows are looked for in the folders that hold some of them (fs_folders.live, .shadowed).
  return [['fs_nodes', 'parent, name, 0, 0', '', 'live'], ['fs_shadowed', 'parent, name, 1, seq', '@deleted AND ', 'shadowed']]
    .map(([table, cols, only, has]) => `SELECT ${cols} FROM ${table} WHERE ${only}${match}
      AND parent IN (SELECT folder FROM fs_folders WHERE image = @image AND ${has} AND ${nameFolders('folder')}) AND ${namesIn(names)}`)
    .join('\n  UNION ALL ');
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
