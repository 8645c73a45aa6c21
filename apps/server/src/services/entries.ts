import type { EntryType, FsEntry } from '@peel/api';
import type { EntryAttrs, FsNodeRecord, LayerEntryRecord, SearchHit, ShadowedRecord } from '../store/index.js';
import { toApiPath } from '../store/image-path.js';

/** The store's records → the API's FsEntry. */

function base(rec: EntryAttrs, layer: number): FsEntry {
  return {
    name: rec.name,
    path: toApiPath(rec.path),
    type: rec.type,
    mode: rec.mode,
    uid: rec.uid,
    gid: rec.gid,
    size: rec.size,
    mtime: rec.mtime,
    linkTarget: rec.linkTarget,
    layer,
    digest: rec.digest,
  };
}

export function nodeEntry(rec: FsNodeRecord): FsEntry {
  const e: FsEntry = { ...base(rec, rec.layer), uname: rec.uname, gname: rec.gname, devMajor: rec.devMajor, devMinor: rec.devMinor, xattrs: rec.xattrs, implicit: rec.implicit };
  if (rec.type === 'dir') e.childCount = rec.childCount;
  return e;
}

/** An entry of the image's merged filesystem: a folder also says how many bytes it holds. */
export function mergedEntry(rec: FsNodeRecord): FsEntry {
  const e = nodeEntry(rec);
  if (rec.type === 'dir' && rec.bytesBelow !== null) e.bytesBelow = rec.bytesBelow;
  return e;
}

export function shadowedEntry(rec: ShadowedRecord): FsEntry {
  const e = base(rec, rec.layer);
  if (rec.deletedBy !== null) e.deletedBy = rec.deletedBy;
  if (rec.overwrittenBy !== null) e.overwrittenBy = rec.overwrittenBy;
  return e;
}

/** A layer's own entry, shown as layer `layer`'s. */
export function layerEntry(rec: LayerEntryRecord, layer: number): FsEntry {
  const x = rec.entry;
  const slash = x.path.lastIndexOf('/');
  return {
    name: x.path.slice(slash + 1),
    path: toApiPath(x.path),
    type: x.type as EntryType,
    mode: x.mode,
    uid: x.uid,
    gid: x.gid,
    size: x.size,
    mtime: x.mtime,
    linkTarget: x.linkTarget,
    layer,
    digest: x.digest,
    uname: x.uname,
    gname: x.gname,
    devMajor: x.devMajor,
    devMinor: x.devMinor,
    xattrs: x.xattrs,
    implicit: rec.implicit,
  };
}

export function searchEntry(hit: SearchHit): FsEntry & { deleted: boolean } {
  const e: FsEntry & { deleted: boolean } = { ...base(hit, hit.layer), deleted: hit.deleted };
  if (hit.type === 'dir' && hit.childCount !== null) e.childCount = hit.childCount;
  if (hit.deletedBy !== null) e.deletedBy = hit.deletedBy;
  if (hit.overwrittenBy !== null) e.overwrittenBy = hit.overwrittenBy;
  return e;
}
