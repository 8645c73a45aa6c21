import type { FsEntry } from '@peel/api';
import { parentPath } from '../../lib/paths.js';

export type SortKey = 'name' | 'size';

/** Height of one tree row in pixels (rows are virtualised, so every row has the same height). */
export const ROW_HEIGHT = 28;
/** Height of the sticky column header above the rows. */
export const HEADER_HEIGHT = 30;

/**
 * The state of one folder's listing, as a lazily loaded tree sees it: the rows loaded so far (in
 * the field `K`, in the server's order) and how many there are in all.
 */
export type TreeListing<K extends string, T> =
  | ({ status: 'ready'; total: number } & { [P in K]: T[] })
  | { status: 'loading' }
  | { status: 'error'; message: string };

/**
 * The state of one directory listing, as the file tree sees it: the rows loaded so far, in the
 * server's order (folders first, then by name or size), and how many there are in all.
 */
export type Listing = TreeListing<'entries', FsEntry>;

/** The rows of a tree that stand for no item: a folder loading, empty or failed, or a row not loaded yet. */
export type PlaceholderRow =
  | { kind: 'loading' | 'empty'; key: string; depth: number; path: string }
  /** A row of a big folder whose page is not loaded yet; `index` is its place in the folder. */
  | { kind: 'pending'; key: string; depth: number; path: string; index: number }
  | { kind: 'error'; key: string; depth: number; path: string; message: string };

/** Where an item's row stands in the tree (the ARIA tree item's level, state and place). */
export interface RowPlace {
  depth: number;
  /** null: not expandable. */
  expanded: boolean | null;
  posinset: number;
  setsize: number;
}

export type TreeRow = ({ kind: 'entry'; key: string; entry: FsEntry } & RowPlace) | PlaceholderRow;

/** True for entries that are not part of the final filesystem (listed with `deleted=1`). */
export function isGone(entry: FsEntry): boolean {
  return entry.deletedBy !== undefined && entry.deletedBy !== null
    || entry.overwrittenBy !== undefined && entry.overwrittenBy !== null;
}

/** Stable identity of a row: the path, plus the layer for versions that are gone. */
export function entryKey(entry: FsEntry): string {
  return isGone(entry) ? `${entry.path}@${entry.layer}` : entry.path;
}

/** Folders whose listing a tree needs: the root and every open folder whose parents are all open. */
export function visibleFolders(expanded: ReadonlySet<string>): string[] {
  const folders = ['/'];
  for (const folder of expanded) {
    let visible = true;
    for (let p = parentPath(folder); p !== '/'; p = parentPath(p)) {
      if (!expanded.has(p)) {
        visible = false;
        break;
      }
    }
    if (visible) folders.push(folder);
  }
  return folders;
}

/** How a tree's items become rows: where a listing keeps them, which open, and each one's row. */
export interface TreeItems<K extends string, T extends { path: string }, R> {
  field: K;
  /** For the items of one listing, whether each can open (made once a listing, for listing-wide rules). */
  expandable: (items: readonly T[]) => (item: T) => boolean;
  row: (item: T, place: RowPlace) => R;
}

/**
 * The visible rows of a lazily loaded tree: the root listing, and below every expanded folder
 * its own listing (or a loading/error/empty row). Listings are keyed by folder path and come in
 * the order the server pages them; the rows of a folder not loaded yet are `pending` rows, so the
 * tree has its full height from the first page on and nothing moves when pages arrive.
 */
export function buildListingRows<K extends string, T extends { path: string }, R>(
  root: string,
  listings: ReadonlyMap<string, TreeListing<K, T>>,
  expanded: ReadonlySet<string>,
  kind: TreeItems<K, T, R>,
): (R | PlaceholderRow)[] {
  const rows: (R | PlaceholderRow)[] = [];
  const walk = (dir: string, depth: number) => {
    const listing = listings.get(dir) ?? { status: 'loading' };
    if (listing.status === 'loading') {
      rows.push({ kind: 'loading', key: `${dir}\u0000loading`, depth, path: dir });
      return;
    }
    if (listing.status === 'error') {
      rows.push({ kind: 'error', key: `${dir}\u0000error`, depth, path: dir, message: listing.message });
      return;
    }
    if (listing.total === 0) {
      rows.push({ kind: 'empty', key: `${dir}\u0000empty`, depth, path: dir });
      return;
    }
    const { total } = listing;
    const items: readonly T[] = listing[kind.field];
    const expandable = kind.expandable(items);
    items.forEach((item, index) => {
      const canOpen = expandable(item);
      const open = canOpen && expanded.has(item.path);
      rows.push(kind.row(item, { depth, expanded: canOpen ? open : null, posinset: index + 1, setsize: total }));
      if (open) walk(item.path, depth + 1);
    });
    for (let index = items.length; index < total; index++) rows.push({ kind: 'pending', key: `${dir}\u0000${index}`, depth, path: dir, index });
  };
  walk(root, 1);
  return rows;
}

const fileTreeItems: TreeItems<'entries', FsEntry, TreeRow> = {
  field: 'entries',
  expandable: (entries) => {
    const live = new Set<string>();
    for (const e of entries) if (!isGone(e)) live.add(e.path);
    // A version that is gone only expands when nothing live sits at that path (same listing).
    return (entry) => entry.type === 'dir' && (!isGone(entry) || !live.has(entry.path));
  },
  row: (entry, place) => ({ kind: 'entry', key: entryKey(entry), entry, ...place }),
};

/** The visible rows of the file tree (see buildListingRows). */
export function buildTreeRows(root: string, listings: ReadonlyMap<string, Listing>, expanded: ReadonlySet<string>): TreeRow[] {
  return buildListingRows(root, listings, expanded, fileTreeItems);
}

/** The layer that deleted or overwrote a version that is gone; undefined for a live entry. */
function endedBy(entry: FsEntry): number | undefined {
  return entry.deletedBy ?? entry.overwrittenBy ?? undefined;
}

/** Which matches of a path search a view shows. */
export interface MatchScope {
  /** One layer's own entries: only what that layer wrote. */
  layer?: number;
  /** The filesystem as of a layer: the versions there after it. */
  asOf?: number;
  /** Also what is gone (the final filesystem's deleted and overwritten versions; as of a layer, what it removed). */
  includeGone: boolean;
}

/**
 * The search matches a view shows, and how many it leaves out for being gone (deleted or
 * overwritten), so the view can say so instead of hiding them silently.
 */
export function filterMatches<T extends FsEntry & { deleted?: boolean }>(items: readonly T[], scope: MatchScope): { shown: T[]; goneHidden: number } {
  let goneHidden = 0;
  const shown = items.filter((e) => {
    if (scope.layer !== undefined) return e.layer === scope.layer;
    const end = endedBy(e);
    if (scope.asOf !== undefined) {
      if (e.layer > scope.asOf) return false;
      if (end === undefined || end > scope.asOf) return true;
      if (end !== scope.asOf) return false;
    } else if (end === undefined && !e.deleted) return true;
    if (scope.includeGone) return true;
    goneHidden++;
    return false;
  });
  return { shown, goneHidden };
}

/**
 * Type-ahead: the entry row whose name starts with `prefix` (ASCII case-insensitive), searching
 * forward from the row after `from` and wrapping around; with `includeFrom` the row at `from` is
 * tried first (a longer prefix keeps the current row while it still matches). -1: none.
 */
export function typeAheadIndex(rows: readonly TreeRow[], from: number, prefix: string, includeFrom: boolean): number {
  const want = prefix.toLowerCase();
  const n = rows.length;
  for (let step = includeFrom ? 0 : 1; step <= n; step++) {
    const i = (((from + step) % n) + n) % n;
    const row = rows[i];
    if (row?.kind === 'entry' && row.entry.name.toLowerCase().startsWith(want)) return i;
  }
  return -1;
}
