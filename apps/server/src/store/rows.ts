import type { EntryType, LayerChange, Platform, PlatformChoice, Problem } from '@peel/api';
import { decodeName, encodeName, type DataRegion, type DraftOp, type HistoryStep, type LayerEntry, type LayerEntryType } from '@peel/engine';
import { joinPath, splitPath } from './image-path.js';
import type {
  ArchiveEntryRecord, ChangeRecord, FsNodeRecord, ImageLayer, ImageRecord, LayerEntryRecord, NodeFacts, NodeSketch, OpSummary, Rows, SearchHit, ShadowedRecord, StoredDraft,
} from './types.js';

/** Rows as batches: an asynchronous source's as they come, a synchronous source's `size` at a time. */
export async function* rowBatches<T>(rows: Rows<T>, size = 256): AsyncGenerator<readonly T[]> {
  if (Symbol.asyncIterator in rows) {
    yield* rows;
    return;
  }
  let batch: T[] = [];
  for (const r of rows) {
    batch.push(r);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * Stored rows (snake_case, bytes, JSON text) ↔ the store's domain types. Both stores keep the same
 * columns (migrations.ts), so both read their rows back with these.
 */

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
  /** fs_shadowed.seq, 0 for a live node (a string where the store's driver reads BIGINT as one). */
  seq: number | string;
  layer: number;
  child_count: number | null;
  deleted_by: number | null;
  overwritten_by: number | null;
}

export const bytesOf = (s: string | null): Buffer | null => (s === null ? null : encodeName(s));
export const textOf = (b: Buffer | null): string | null => (b === null ? null : decodeName(b));
export const xattrsJson = (x: Record<string, string> | null): string | null => (x ? JSON.stringify(x) : null);
export const xattrsOf = (s: string | null): Record<string, string> | null => (s === null ? null : (JSON.parse(s) as Record<string, string>));
export const sparseJson = (e: LayerEntry): string | null => (e.sparse ? JSON.stringify(e.sparse.map((r) => [r.offset, r.length])) : null);

/** The stored JSON of a sparse file's data regions back as the engine's DataRegion list. */
export function dataRegions(json: string | null): DataRegion[] | null {
  if (json === null) return null;
  return (JSON.parse(json) as Array<[number, number]>).map(([offset, length]) => ({ offset, length }));
}

/** An engine path as the (parent, name) byte columns. */
export function pathCols(path: string): { parent: Buffer; name: Buffer } {
  const { parent, name } = splitPath(path);
  return { parent: encodeName(parent), name: encodeName(name) };
}

function attrs(row: EntryCols): { path: string; name: string; type: EntryType; mode: number; uid: number; gid: number; size: number; mtime: number; linkTarget: string | null; digest: string | null } {
  const name = decodeName(row.name);
  return {
    path: joinPath(decodeName(row.parent), name),
    name,
    type: row.type as EntryType,
    mode: row.mode,
    uid: row.uid,
    gid: row.gid,
    size: row.size,
    mtime: row.mtime,
    linkTarget: textOf(row.link_target),
    digest: row.digest,
  };
}

export function nodeOf(row: NodeRow): FsNodeRecord {
  return {
    ...attrs(row),
    uname: row.uname,
    gname: row.gname,
    devMajor: row.dev_major,
    devMinor: row.dev_minor,
    xattrs: xattrsOf(row.xattrs),
    layer: row.layer,
    implicit: row.implicit === 1,
    childCount: row.child_count,
    bytesBelow: row.bytes_below,
    contentLayer: row.content_layer,
    contentSeq: row.content_seq,
  };
}

export function shadowedOf(row: ShadowedRow): ShadowedRecord {
  return { ...attrs(row), seq: row.seq, layer: row.layer, deletedBy: row.deleted_by, overwrittenBy: row.overwritten_by };
}

export function searchHitOf(row: SearchRow): SearchHit {
  return { ...attrs(row), deleted: row.deleted === 1, seq: Number(row.seq), layer: row.layer, childCount: row.child_count, deletedBy: row.deleted_by, overwrittenBy: row.overwritten_by };
}

/** A raw row of (parent, name, type, size, link_target) → NodeSketch. */
export function sketchOf(r: unknown[]): NodeSketch {
  const parent = decodeName(r[0] as Buffer);
  const name = decodeName(r[1] as Buffer);
  return { path: parent === '' ? name : `${parent}/${name}`, type: r[2] as EntryType, size: r[3] === null ? null : Number(r[3]), linkTarget: textOf(r[4] as Buffer | null) };
}

/** The columns of fs_nodes a comparison reads, in the order `factsOf` takes them (raw rows). */
export const FACT_COLS = 'name, type, mode, uid, gid, size, mtime, link_target, digest, dev_major, dev_minor, xattrs, layer, bytes_below, content_layer, content_seq';

/** A raw row of FACT_COLS in folder `dir` → NodeFacts. */
export function factsOf(dir: string, r: unknown[]): NodeFacts {
  const name = decodeName(r[0] as Buffer);
  return {
    path: dir === '' ? name : `${dir}/${name}`,
    name,
    type: r[1] as EntryType,
    mode: r[2] as number,
    uid: r[3] as number,
    gid: r[4] as number,
    size: Number(r[5]),
    mtime: Number(r[6]),
    linkTarget: textOf(r[7] as Buffer | null),
    digest: r[8] as string | null,
    devMajor: r[9] as number,
    devMinor: r[10] as number,
    xattrs: xattrsOf(r[11] as string | null),
    layer: r[12] as number,
    bytesBelow: r[13] === null ? null : Number(r[13]),
    contentLayer: r[14] as number | null,
    contentSeq: r[15] as number | null,
  };
}

/**
 * A folder's nodes with the layer entry that holds each one's bytes, in one read: FACT_COLS, the
 * rest of a node's columns, then the entry's (as nodeWithContentOf takes them). What a walk of
 * the whole image (a flatten) reads per folder.
 */
export const NODE_WITH_CONTENT_SQL = (p: (n: number) => string) => `SELECT ${FACT_COLS.split(', ').map((c) => `n.${c}`).join(', ')},
    n.uname, n.gname, n.implicit, n.child_count,
    e.parent, e.name, e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.size, e.mtime, e.link_target, e.digest, e.dev_major, e.dev_minor,
    e.xattrs, e.data_offset, e.header_offset, e.sparse
  FROM fs_nodes n
  LEFT JOIN image_layers il ON il.image = n.image AND il.idx = n.content_layer
  LEFT JOIN layer_entries e ON e.layer = il.layer AND e.seq = n.content_seq
  WHERE n.image = ${p(1)} AND n.parent = ${p(2)} ORDER BY n.name`;

/** A row of NODE_WITH_CONTENT_SQL: the node (in folder `dir`) and its content entry (null: none). */
export function nodeWithContentOf(dir: string, r: unknown[], parents: Map<string, string>): { node: FsNodeRecord; content: LayerEntry | null } {
  const facts = factsOf(dir, r);
  const node: FsNodeRecord = Object.assign(facts, {
    contentSeq: facts.contentSeq === null ? null : Number(facts.contentSeq),
    uname: r[16] as string,
    gname: r[17] as string,
    implicit: Number(r[18]) === 1,
    childCount: r[19] as number,
  });
  if (r[20] === null || node.contentSeq === null) return { node, content: null };
  // Most contents are in the node's own folder: each folder name is decoded once per read.
  const raw = r[20] as Buffer;
  const key = raw.toString('latin1');
  let parent = parents.get(key);
  if (parent === undefined) parents.set(key, (parent = decodeName(raw)));
  const content: LayerEntry = {
    path: joinPath(parent, decodeName(r[21] as Buffer)),
    type: r[22] as LayerEntryType,
    mode: r[23] as number,
    uid: r[24] as number,
    gid: r[25] as number,
    uname: r[26] as string,
    gname: r[27] as string,
    size: Number(r[28]),
    mtime: Number(r[29]),
    linkTarget: textOf(r[30] as Buffer | null),
    digest: r[31] as string | null,
    devMajor: r[32] as number,
    devMinor: r[33] as number,
    xattrs: xattrsOf(r[34] as string | null),
    dataOffset: Number(r[35]),
    headerOffset: Number(r[36]),
    sparse: dataRegions(r[37] as string | null),
  };
  return { node, content };
}

/** A stored layer entry back as the engine's LayerEntry (to read its bytes with the engine). */
export function layerEntryOf(row: LayerEntryRow): LayerEntryRecord {
  const entry: LayerEntry = {
    path: joinPath(decodeName(row.parent), decodeName(row.name)),
    type: row.type as LayerEntryType,
    mode: row.mode,
    uid: row.uid,
    gid: row.gid,
    uname: row.uname,
    gname: row.gname,
    size: row.size,
    mtime: row.mtime,
    linkTarget: textOf(row.link_target),
    devMajor: row.dev_major,
    devMinor: row.dev_minor,
    xattrs: xattrsOf(row.xattrs),
    dataOffset: row.data_offset,
    headerOffset: row.header_offset,
    digest: row.digest,
    sparse: dataRegions(row.sparse),
  };
  return { seq: row.seq, entry, implicit: row.implicit === 1 };
}


export interface ImageRow {
  id: string;
  name: string;
  tags: string;
  format: string;
  platform: string;
  platforms: string;
  manifest_digest: string | null;
  manifest_media_type: string | null;
  config_digest: string;
  config?: Buffer;
  history: string;
  problems: string;
  archive_digest: string;
  archive_size: number;
  outer_compression: string;
  size: number;
  layer_count: number;
  file_count: number;
  created_at: string;
}

/** The columns of an image as listed (all but its config bytes). */
export const IMAGE_SUMMARY_COLS = `id, name, tags, format, platform, platforms, manifest_digest, manifest_media_type, config_digest,
  history, problems, archive_digest, archive_size, outer_compression, size, layer_count, file_count, created_at`;

export function imageOf(row: ImageRow): ImageRecord {
  return {
    id: row.id,
    name: row.name,
    tags: JSON.parse(row.tags) as string[],
    format: row.format,
    platform: JSON.parse(row.platform) as Platform,
    platforms: JSON.parse(row.platforms) as PlatformChoice[],
    manifestDigest: row.manifest_digest,
    manifestMediaType: row.manifest_media_type,
    configDigest: row.config_digest,
    history: JSON.parse(row.history) as HistoryStep[],
    problems: JSON.parse(row.problems) as Problem[],
    archiveDigest: row.archive_digest,
    archiveSize: row.archive_size,
    outerCompression: row.outer_compression,
    size: row.size,
    layerCount: row.layer_count,
    fileCount: row.file_count,
    createdAt: row.created_at,
  };
}

export interface ImageLayerRow {
  idx: number;
  media_type: string;
  archive_path: string;
  history: number | null;
  digest: string;
  diff_id: string;
  compression: string;
  size: number;
  uncompressed_size: number;
  tar_blob: string;
  entry_count: number;
  content_size: number;
  problems: string;
}

/** The columns of ImageLayerRow, from image_layers `il` joined with layers `l`. */
export const IMAGE_LAYER_COLS = `il.idx, il.media_type, il.archive_path, il.history, l.digest, l.diff_id,
  l.compression, l.size, l.uncompressed_size, l.tar_blob, l.entry_count, l.content_size, l.problems`;

export function layerOf(l: ImageLayerRow): ImageLayer {
  return {
    index: l.idx,
    layerDigest: l.digest,
    mediaType: l.media_type,
    archivePath: l.archive_path,
    history: l.history,
    diffId: l.diff_id,
    compression: l.compression,
    size: l.size,
    uncompressedSize: l.uncompressed_size,
    tarBlob: l.tar_blob,
    entryCount: l.entry_count,
    contentSize: l.content_size,
    problems: JSON.parse(l.problems) as Problem[],
  };
}

export interface LayerChangeRow {
  seq: number;
  path: Buffer;
  change: string;
  type: string;
  size: number;
  previous_layer: number | null;
  metadata_only: number;
  previous_size: number | null;
}

export const CHANGE_COLS = 'seq, path, change, type, size, previous_layer, metadata_only, previous_size';

export function changeOf(c: LayerChangeRow): ChangeRecord {
  return {
    seq: c.seq,
    path: `/${decodeName(c.path)}`,
    change: c.change as LayerChange['change'],
    type: c.type as LayerChange['type'],
    size: c.size,
    previousLayer: c.previous_layer,
    metadataOnly: c.metadata_only === 1,
    previousSize: c.previous_size,
  };
}

export interface ArchiveEntryRow {
  seq: number;
  path: Buffer;
  type: string;
  size: number;
  digest: string | null;
  link_target: Buffer | null;
  role: string;
  label: string | null;
  media_type: string | null;
}

export const ARCHIVE_ENTRY_COLS = 'seq, path, type, size, digest, link_target, role, label, media_type';

export function archiveEntryOf(e: ArchiveEntryRow): ArchiveEntryRecord {
  return { seq: e.seq, path: decodeName(e.path), type: e.type, size: e.size, digest: e.digest, linkTarget: textOf(e.link_target), role: e.role, label: e.label, mediaType: e.media_type };
}

export interface DraftHeadRow {
  config: string;
  tag: string | null;
  updated_at: string;
  revision: number;
}

export interface DraftOpRow {
  op: string;
  summary: string;
  blob: string | null;
  created_at: string;
}

/** A draft's head row and its op rows (in seq order) as the domain's draft. */
export function draftOf(head: DraftHeadRow, ops: readonly DraftOpRow[]): StoredDraft {
  return {
    head: { config: JSON.parse(head.config) as Record<string, unknown>, tag: head.tag, updatedAt: head.updated_at },
    ops: ops.map((r) => ({ op: JSON.parse(r.op) as DraftOp, summary: JSON.parse(r.summary) as OpSummary, blob: r.blob, createdAt: r.created_at })),
    revision: head.revision,
  };
}

/** An image row that is not ready (pending or being deleted), with the process that writes it. */
export interface LeftoverRow {
  key: number;
  state: string;
  owner_pid: number | null;
  owner_host: string | null;
  owner_started: string | null;
  heartbeat_at: string | null;
}

export const LEFTOVER_COLS = 'key, state, owner_pid, owner_host, owner_started, heartbeat_at';
