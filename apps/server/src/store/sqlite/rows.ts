import type { EntryType } from '@peel/api';
import { decodeName, encodeName, type DataRegion, type LayerEntry, type LayerEntryType } from '@peel/engine';
import { joinPath, splitPath } from '../image-path.js';
import type { FsNodeRecord, LayerEntryRecord, SearchHit, ShadowedRecord } from '../types.js';

/** Stored rows (snake_case, bytes, JSON text) ↔ the store's domain types. */

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
  return { ...attrs(row), deleted: row.deleted === 1, layer: row.layer, childCount: row.child_count, deletedBy: row.deleted_by, overwrittenBy: row.overwritten_by };
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

