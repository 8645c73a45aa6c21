import type { EntryType, FsEntry, ListingSort } from '@peel/api';
import { COL, type ListingSource } from '../store/listing-repo.js';
import { decodeName } from '@peel/engine';
import type { PageKey } from './page-key.js';

/**
 * Raw listing rows (store/listing-repo.ts) → the API's FsEntry, column by column: the same
 * entries entries.ts makes from row objects (a test holds them equal), without the object per
 * row and the spreads, which were most of a 50,000-entry listing's time.
 */
export function rowEntry(source: ListingSource, r: unknown[], dirPrefix: string, layer?: number, folderBytes = true): FsEntry {
  const name = decodeName(r[COL.name] as Buffer);
  const type = r[COL.type] as EntryType;
  const link = r[COL.linkTarget] as Buffer | null;
  const e: FsEntry = {
    name,
    path: dirPrefix + name,
    type,
    mode: r[COL.mode] as number,
    uid: r[COL.uid] as number,
    gid: r[COL.gid] as number,
    size: r[COL.size] as number,
    mtime: r[COL.mtime] as number,
    linkTarget: link === null ? null : decodeName(link),
    layer: source === 'layer' ? layer! : (r[COL.layer] as number),
    digest: r[COL.digest] as string | null,
  };
  if (source === 'shadowed' || source === 'lostAt') {
    if (r[COL.x1] !== null) e.deletedBy = r[COL.x1] as number;
    if (r[COL.x1 + 1] !== null) e.overwrittenBy = r[COL.x1 + 1] as number;
    return e;
  }
  // A version that is gone since keeps no owner names, device numbers or xattrs.
  if (source === 'asOfShadowed') return e;
  e.uname = r[COL.x1] as string;
  e.gname = r[COL.x1 + 1] as string;
  e.devMajor = r[COL.x1 + 2] as number;
  e.devMinor = r[COL.x1 + 3] as number;
  const xattrs = r[COL.x1 + 4] as string | null;
  e.xattrs = xattrs === null ? null : (JSON.parse(xattrs) as Record<string, string>);
  e.implicit = r[COL.x1 + 5] === 1;
  if (source === 'nodes' && type === 'dir') {
    e.childCount = r[COL.x1 + 6] as number;
    if (folderBytes) e.bytesBelow = r[COL.x1 + 7] as number;
  }
  return e;
}

/** What a row sorts by with sort=size: a merged folder's bytes below it, else its own size. */
const sortSize = (source: ListingSource, r: unknown[], folderBytes: boolean): number =>
  (source === 'nodes' && folderBytes && r[COL.type] === 'dir' ? (r[COL.x1 + 7] as number) : (r[COL.size] as number));

/** A row's page key (page-key.ts KEY_SHAPES): group, [−size,] name, live, layer, seq. */
export function rowKey(source: ListingSource, sort: ListingSort, r: unknown[], folderBytes = true): PageKey {
  const group = r[COL.type] === 'dir' ? 0 : 1;
  const name = r[COL.name] as Buffer;
  // As of a layer one version of a name is alive: the name alone orders it (listing-repo TAIL).
  const tail = source === 'asOfNodes' || source === 'asOfShadowed'
    ? [name, 1, 0, 0]
    : [name, source === 'nodes' ? 1 : 0, source === 'layer' ? 0 : (r[COL.layer] as number), source === 'nodes' ? 0 : (r[COL.seq] as number)];
  return sort === 'name' ? [group, ...tail] : [group, -sortSize(source, r, folderBytes), ...tail];
}

/** `/dir/` for a folder's engine path ('' is the root): what its children's paths start with. */
export const dirPrefix = (dir: string): string => (dir === '' ? '/' : `/${dir}/`);
