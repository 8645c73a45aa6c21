import { decodeName, encodeName, type LayerEntry } from '@peel/engine';
import { globToRegExp } from '../glob.js';
import { joinPath, splitPath } from '../image-path.js';
import type { EntryType } from '@peel/api';
import { shadowedSeqAfter, type FsNodeRecord, type FsRepo, type ImageId, type LayerDigest, type LayerEntryRecord, type NodeFacts, type NodeKey, type NodeSketch, type SearchHit, type SearchQuery, type ShadowedRecord } from '../types.js';
import { FACT_COLS, NODE_WITH_CONTENT_SQL, nodeWithContentOf, sketchOf, factsOf, layerEntryOf, nodeOf, searchHitOf, shadowedOf, type LayerEntryRow, type NodeRow, type SearchRow, type ShadowedRow } from '../rows.js';
import type { PgConn } from './conn.js';
import { Keys } from './keys.js';
import { ABS_PATH, asChars, escapedBytes, escapedLower, lowerBytes } from './text-match.js';

/** Rows of a layer read per query by layerEntries. */
const ENTRIES_PAGE = 8192;

const HIT_COLS = {
  nodes: `parent, name, 0 AS deleted, 0 AS seq, type, mode, uid, gid, size, mtime, link_target, digest, layer, child_count,
    NULL::integer AS deleted_by, NULL::integer AS overwritten_by`,
  shadowed: 'parent, name, 1, seq, type, mode, uid, gid, size, mtime, link_target, digest, layer, NULL, deleted_by, overwritten_by',
};
/** How a substring search finds its rows: see index.ts's pathSearchOf. */
export type PathSearch = 'trigram' | 'scan';
/** The exact match: the lowered absolute path holds the pattern's bytes (in parameter $p). */
const exact = (p: number) => `position(${asChars(`$${p}::bytea`)} IN ${lowerBytes(ABS_PATH)}) > 0`;
/**
 * The substring match with its pattern in parameters from $p on ('args' gives them). 'trigram'
 * first narrows by a LIKE on the indexed expression (the migration's, escapedLower(ABS_PATH)),
 * its pattern a text parameter so that the planner sees it, %, _ and backslash escaped; escaping
 * may match more (the pattern "200" in the \200 of byte 0x80), so the exact match follows.
 */
const SUBSTRING: Record<PathSearch, { where: (p: number) => string; args: (pattern: string) => unknown[] }> = {
  trigram: {
    where: (p) => `${escapedLower(ABS_PATH)} LIKE $${p}::text AND ${exact(p + 1)}`,
    args: (pattern) => {
      const bytes = encodeName(pattern);
      return [`%${escapedBytes(bytes).replace(/[\\%_]/g, '\\$&')}%`, bytes];
    },
  },
  scan: { where: exact, args: (pattern) => [encodeName(pattern)] },
};

/** Bytes of file content of the nodes `where` selects (hard links count their target's size). */
const contentBytes = (where: string) => `SELECT coalesce(sum(CASE WHEN n.type = 'file' THEN n.size ELSE (
    SELECT le.size FROM image_layers il JOIN layer_entries le ON le.layer = il.layer AND le.seq = n.content_seq
     WHERE il.image = n.image AND il.idx = n.content_layer) END), 0) AS bytes
  FROM fs_nodes n WHERE n.image = $1 AND ${where} AND (n.type = 'file' OR (n.type = 'hardlink' AND n.content_seq IS NOT NULL))`;

/** Indexed lookups into an image's merged filesystem and its layers' own entries. */
export class PgFs implements FsRepo {
  private readonly keys: Keys;

  constructor(private readonly c: PgConn, private readonly pathSearch: PathSearch) {
    this.keys = new Keys(c);
  }

  async node(id: ImageId, path: string): Promise<FsNodeRecord | undefined> {
    const { parent, name } = splitPath(path);
    const row = await this.c.one<NodeRow>(`SELECT n.* FROM images i JOIN fs_nodes n ON n.image = i.key
      WHERE i.id = $1 AND i.state = 'ready' AND n.parent = $2 AND n.name = $3`, [id, encodeName(parent), encodeName(name)]);
    return row && nodeOf(row);
  }

  async childrenWithContent(id: ImageId, dir: string): Promise<Array<{ node: FsNodeRecord; content: LayerEntry | null }>> {
    const image = await this.keys.image(id);
    if (image === undefined) return [];
    const parents = new Map<string, string>();
    return (await this.c.arrays(NODE_WITH_CONTENT_SQL((n) => `$${n}`), [image, encodeName(dir)])).map((r) => nodeWithContentOf(dir, r, parents));
  }

  async childFacts(id: ImageId, dir: string): Promise<NodeFacts[]> {
    const image = await this.keys.image(id);
    if (image === undefined) return [];
    const rows = await this.c.rows<Record<string, unknown>>(`SELECT ${FACT_COLS} FROM fs_nodes WHERE image = $1 AND parent = $2 ORDER BY name`, [image, encodeName(dir)]);
    // The columns come back keyed in FACT_COLS's order.
    return rows.map((r) => factsOf(dir, Object.values(r)));
  }

  async nodesOfTypes(id: ImageId, types: readonly EntryType[], after: NodeKey | null, limit: number): Promise<NodeSketch[]> {
    const image = await this.keys.image(id);
    if (image === undefined) return [];
    // Before every (parent, name): an empty parent sorts first, and no name is empty but the root's.
    const rows = await this.c.arrays(`SELECT n.parent, n.name, n.type, CASE WHEN n.type = 'hardlink' THEN (SELECT le.size FROM image_layers il JOIN layer_entries le ON le.layer = il.layer AND le.seq = n.content_seq
     WHERE il.image = n.image AND il.idx = n.content_layer AND le.type = 'file') ELSE n.size END AS size, n.link_target
      FROM fs_nodes n WHERE n.image = $1 AND n.type = ANY($2::text[]) AND (n.parent, n.name) > ($3::bytea, $4::bytea)
      ORDER BY n.parent, n.name LIMIT $5`, [image, types, encodeName(after?.parent ?? ''), after ? encodeName(after.name) : Buffer.alloc(0), limit]);
    return rows.map(sketchOf);
  }

  async linkedContent(id: ImageId): Promise<Array<{ layer: number; entry: LayerEntry }>> {
    const image = await this.keys.image(id);
    if (image === undefined) return [];
    const rows = await this.c.rows<LayerEntryRow & { content_layer: number }>(`SELECT DISTINCT n.content_layer AS content_layer, e.* FROM fs_nodes n
      JOIN image_layers il ON il.image = n.image AND il.idx = n.content_layer
      JOIN layer_entries e ON e.layer = il.layer AND e.seq = n.content_seq
      WHERE n.image = $1 AND n.type = 'hardlink'`, [image]);
    return rows.map((r) => ({ layer: Number(r.content_layer), entry: layerEntryOf(r).entry }));
  }

  async filesNamed(id: ImageId, names: readonly string[], limit: number): Promise<string[]> {
    const image = await this.keys.image(id);
    if (image === undefined) return [];
    const wanted = `(SELECT convert_to(n, 'UTF8') FROM unnest($2::text[]) AS n)`;
    const rows = await this.c.arrays(`SELECT parent, name FROM fs_nodes WHERE image = $1 AND type = 'file' AND name IN ${wanted}
      UNION SELECT parent, name FROM fs_shadowed WHERE image = $1 AND type = 'file' AND name IN ${wanted}
      ORDER BY 1, 2 LIMIT $3`, [image, names, limit]);
    return rows.map(([parent, name]) => joinPath(decodeName(parent as Buffer), decodeName(name as Buffer)));
  }

  async shadowedIn(id: ImageId, dir: string): Promise<ShadowedRecord[]> {
    return (await this.c.rows<ShadowedRow>(`SELECT s.* FROM images i JOIN fs_shadowed s ON s.image = i.key
      WHERE i.id = $1 AND i.state = 'ready' AND s.parent = $2 ORDER BY s.name, s.seq`, [id, encodeName(dir)])).map(shadowedOf);
  }

  async hasShadowed(id: ImageId, path: string): Promise<boolean> {
    const { parent, name } = splitPath(path);
    return (await this.c.one(`SELECT 1 AS found FROM images i JOIN fs_shadowed s ON s.image = i.key
      WHERE i.id = $1 AND i.state = 'ready' AND s.parent = $2 AND s.name = $3 LIMIT 1`, [id, encodeName(parent), encodeName(name)])) !== undefined;
  }

  async bytesBelow(id: ImageId, dir: string): Promise<number> {
    const image = await this.keys.image(id);
    if (image === undefined) return 0;
    // A folder's descendants: parent = dir, or parent in [dir + '/', dir + '0') as bytes ('0' is '/' + 1).
    const row = dir === ''
      ? await this.c.one<{ bytes: number }>(contentBytes('true'), [image])
      : await this.c.one<{ bytes: number }>(contentBytes('(n.parent = $2 OR (n.parent >= $3 AND n.parent < $4))'),
        [image, encodeName(dir), encodeName(`${dir}/`), encodeName(`${dir}0`)]);
    return row!.bytes;
  }

  async layerEntry(layer: LayerDigest, path: string): Promise<LayerEntryRecord | undefined> {
    const key = await this.keys.layer(layer);
    if (key === undefined) return undefined;
    const { parent, name } = splitPath(path);
    const row = await this.c.one<LayerEntryRow>(`SELECT * FROM layer_entries WHERE layer = $1 AND parent = $2 AND name = $3
      ORDER BY implicit, seq DESC LIMIT 1`, [key, encodeName(parent), encodeName(name)]);
    return row && layerEntryOf(row);
  }

  async layerChildren(layer: LayerDigest, dir: string): Promise<LayerEntryRecord[]> {
    const key = await this.keys.layer(layer);
    if (key === undefined) return [];
    return (await this.c.rows<LayerEntryRow>(`SELECT * FROM layer_entries WHERE layer = $1 AND parent = $2 ORDER BY name, seq`, [key, encodeName(dir)])).map(layerEntryOf);
  }

  async entryBySeq(layer: LayerDigest, seq: number): Promise<LayerEntryRecord | undefined> {
    const key = await this.keys.layer(layer);
    if (key === undefined) return undefined;
    const row = await this.c.one<LayerEntryRow>(`SELECT * FROM layer_entries WHERE layer = $1 AND seq = $2`, [key, seq]);
    return row && layerEntryOf(row);
  }

  async *layerEntries(layer: LayerDigest, opts: { lean?: boolean } = {}): AsyncIterable<LayerEntry> {
    const key = await this.keys.layer(layer);
    if (key === undefined) return;
    const cols = opts.lean
      ? `parent, name, type, mode, uid, gid, size, link_target, digest, data_offset, header_offset, sparse, seq, '' AS uname, '' AS gname,
         0 AS mtime, 0 AS dev_major, 0 AS dev_minor, NULL AS xattrs, implicit`
      : '*';
    // By keyset, a page at a time: a layer of a million entries is never held whole.
    for (let after = -1; ;) {
      const rows = await this.c.rows<LayerEntryRow>(`SELECT ${cols} FROM layer_entries WHERE layer = $1 AND seq > $2 AND implicit = 0 ORDER BY seq LIMIT ${ENTRIES_PAGE}`, [key, after]);
      for (const row of rows) {
        const record = layerEntryOf(row);
        after = record.seq;
        yield record.entry;
      }
      if (rows.length < ENTRIES_PAGE) return;
    }
  }

  async search(id: ImageId, q: SearchQuery): Promise<{ hits: SearchHit[]; total: number }> {
    const image = await this.keys.image(id);
    if (image === undefined) return { hits: [], total: 0 };
    if (q.mode !== 'substring') return this.globSearch(image, q);
    const substring = SUBSTRING[this.pathSearch];
    const args = substring.args(q.pattern);
    const rows = await this.c.rows<SearchRow>(`SELECT ${HIT_COLS.nodes} FROM fs_nodes WHERE image = $1 AND ${substring.where(5)}
      UNION ALL SELECT ${HIT_COLS.shadowed} FROM fs_shadowed WHERE $2::boolean AND image = $1 AND ${substring.where(5)}
      ORDER BY 1, 2, 3, 4 LIMIT $3 OFFSET $4`, [image, q.deleted, q.limit, q.offset, ...args]);
    // A page that is not full is the last one: its end is the total, no second scan needed.
    const last = rows.length < q.limit && (rows.length > 0 || q.offset === 0);
    const where = `image = $1 AND ${substring.where(3)}`;
    const total = last ? q.offset + rows.length : q.total ?? (await this.c.one<{ n: number }>(`SELECT (SELECT count(*) FROM fs_nodes WHERE ${where})
      + (SELECT count(*) FROM fs_shadowed WHERE $2::boolean AND ${where}) AS n`, [image, q.deleted, ...args]))!.n;
    return { hits: rows.map(searchHitOf), total };
  }

  /**
   * Glob patterns match decoded names (non-UTF-8 bytes as the engine's lone surrogates), one
   * character per `?` as SQLite's GLOB: matched here, not by a PostgreSQL regex over bytes. The
   * rows read are those whose path holds the glob's longest literal run (ASCII lowered, as the
   * substring search matches it): every match holds it, and the substring search's index finds
   * them. They come through a cursor, a batch at a time, and only the page's hits are kept:
   * the count reads every candidate (unless an earlier page told it), but a glob that most of
   * millions of paths match holds no more in memory than one that matches a few.
   */
  private async globSearch(image: number, q: SearchQuery): Promise<{ hits: SearchHit[]; total: number }> {
    const re = globToRegExp(q.pattern);
    const literal = longestLiteral(q.pattern).replace(/[A-Z]/g, (c) => c.toLowerCase());
    // A later page of a search whose total an earlier page told: its candidates start past the
    // hit before the page (q.after) and are read only to the page's end.
    const later = q.after !== undefined && q.total !== undefined;
    const key = later ? [encodeName(q.after!.parent), encodeName(q.after!.name), shadowedSeqAfter(q.after!)] : [];
    const after = later ? { nodes: ' AND (parent, name) > ($3, $4)', shadowed: ' AND (parent, name, seq) > ($3, $4, $5)' } : { nodes: '', shadowed: '' };
    const where = literal === '' ? 'image = $1' : `image = $1 AND ${SUBSTRING[this.pathSearch].where(3 + key.length)}`;
    // Named for this call (the transaction may be a caller's, with another search's cursor open);
    // so its statements are not prepared by name, which would keep one per call.
    const cursor = `peel_glob_hits_${++globCursors}`;
    return this.c.tx(async (t) => {
      const run = (text: string, values: unknown[] = []) => t.db.query<SearchRow>({ text, values });
      // Every row is read when counting: planned as the query it is, not for a quick first few
      // (a cursor's default, kept for a later page, which stops at its end).
      if (!later) await t.run('SET LOCAL cursor_tuple_fraction = 1');
      await run(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${HIT_COLS.nodes} FROM fs_nodes WHERE ${where}${after.nodes}
        UNION ALL SELECT ${HIT_COLS.shadowed} FROM fs_shadowed WHERE $2::boolean AND ${where}${after.shadowed}
        ORDER BY 1, 2, 3, 4`, [image, q.deleted, ...key, ...(literal === '' ? [] : SUBSTRING[this.pathSearch].args(literal))]);
      const hits: SearchRow[] = [];
      // The hits before the first candidate: none, or (past q.after) the page's offset.
      let total = later ? q.offset : 0;
      for (;;) {
        const { rows } = await run(`FETCH ${GLOB_BATCH} FROM ${cursor}`);
        for (const r of rows) {
          const name = decodeName(r.name);
          if (!re.test(q.mode === 'glob-name' ? name : `/${joinPath(decodeName(r.parent), name)}`)) continue;
          if (total >= q.offset && hits.length < q.limit) hits.push(r);
          total++;
        }
        if ((later && hits.length === q.limit) || rows.length < GLOB_BATCH) break;
      }
      // A failed statement ends the transaction, and its rollback closes the cursor.
      await run(`CLOSE ${cursor}`);
      if (!later) await t.run('SET LOCAL cursor_tuple_fraction = DEFAULT');
      return { hits: hits.map(searchHitOf), total: later ? q.total! : total };
    });
  }
}

/** Glob searches so far: each names its cursor by its number. */
let globCursors = 0;
/** Candidate rows of a glob search fetched at a time. */
const GLOB_BATCH = 4096;

/** The longest run of a glob's characters that match only themselves (outside `*`, `?` and `[…]`, as globToRegExp reads them). */
function longestLiteral(glob: string): string {
  let best = '';
  let run = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    const end = c === '[' ? glob.indexOf(']', i + 2) : -1;
    if (c === '*' || c === '?' || end >= 0) {
      if (run.length > best.length) best = run;
      run = '';
      if (end >= 0) i = end;
    } else run += c;
  }
  return run.length > best.length ? run : best;
}
