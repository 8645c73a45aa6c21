import type { EntryType, FsEntry } from '@peel/api';
import type { DataRegion, LayerEntry, LayerEntryType } from '@peel/engine';
import { decodeName } from '@peel/engine';
import { joinPath, toApiPath } from '../store/image-path.js';
import type { EntryCols, LayerEntryRow, NodeRow, SearchRow, ShadowedRow } from '../store/fs-repo.js';

/** Stored rows → the API's FsEntry. */

function base(row: EntryCols, layer: number): FsEntry {
  const parent = decodeName(row.parent);
  const name = decodeName(row.name);
  return {
    name,
    path: toApiPath(joinPath(parent, name)),
    type: row.type as EntryType,
    mode: row.mode,
    uid: row.uid,
    gid: row.gid,
    size: row.size,
    mtime: row.mtime,
    linkTarget: row.link_target === null ? null : decodeName(row.link_target),
    layer,
    digest: row.digest,
  };
}

/** The stored JSON of a sparse file's data regions back as the engine's DataRegion list. */
export function dataRegions(json: string | null): DataRegion[] | null {
  if (json === null) return null;
  return (JSON.parse(json) as Array<[number, number]>).map(([offset, length]) => ({ offset, length }));
}

const xattrs = (s: string | null): Record<string, string> | null => (s === null ? null : (JSON.parse(s) as Record<string, string>));

function details(row: NodeRow | LayerEntryRow): Partial<FsEntry> {
  return {
    uname: row.uname,
    gname: row.gname,
    devMajor: row.dev_major,
    devMinor: row.dev_minor,
    xattrs: xattrs(row.xattrs),
    implicit: row.implicit === 1,
  };
}

export function nodeEntry(row: NodeRow): FsEntry {
  const e = { ...base(row, row.layer), ...details(row) };
  if (row.type === 'dir') e.childCount = row.child_count;
  return e;
}

/** An entry of the image's merged filesystem: a folder also says how many bytes it holds. */
export function mergedEntry(row: NodeRow): FsEntry {
  const e = nodeEntry(row);
  if (row.type === 'dir' && row.bytes_below !== null) e.bytesBelow = row.bytes_below;
  return e;
}

export function shadowedEntry(row: ShadowedRow): FsEntry {
  const e = base(row, row.layer);
  if (row.deleted_by !== null) e.deletedBy = row.deleted_by;
  if (row.overwritten_by !== null) e.overwrittenBy = row.overwritten_by;
  return e;
}

export function layerEntry(row: LayerEntryRow, layer: number): FsEntry {
  return { ...base(row, layer), ...details(row) };
}

export function searchEntry(row: SearchRow): FsEntry & { deleted: boolean } {
  const e: FsEntry & { deleted: boolean } = { ...base(row, row.layer), deleted: row.deleted === 1 };
  if (row.type === 'dir' && row.child_count !== null) e.childCount = row.child_count;
  if (row.deleted_by !== null) e.deletedBy = row.deleted_by;
  if (row.overwritten_by !== null) e.overwrittenBy = row.overwritten_by;
  return e;
}

/** A stored layer entry back as the engine's LayerEntry (to read its bytes with the engine). */
export function toLayerEntry(row: LayerEntryRow): LayerEntry {
  return {
    path: joinPath(decodeName(row.parent), decodeName(row.name)),
    type: row.type as LayerEntryType,
    mode: row.mode,
    uid: row.uid,
    gid: row.gid,
    uname: row.uname,
    gname: row.gname,
    size: row.size,
    mtime: row.mtime,
    linkTarget: row.link_target === null ? null : decodeName(row.link_target),
    devMajor: row.dev_major,
    devMinor: row.dev_minor,
    xattrs: xattrs(row.xattrs),
    dataOffset: row.data_offset,
    headerOffset: row.header_offset,
    digest: row.digest,
    sparse: dataRegions(row.sparse),
  };
}
