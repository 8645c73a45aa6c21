import type { FsEntry } from '@peel/api';

export type SortKey = 'name' | 'size';

/** Height of one tree row in pixels (rows are virtualised, so every row has the same height). */
export const ROW_HEIGHT = 28;
/** Height of the sticky column header above the rows. */
export const HEADER_HEIGHT = 30;

/** The state of one directory listing, as the tree sees it. */
export type Listing = { status: 'ready'; entries: FsEntry[] } | { status: 'loading' } | { status: 'error'; message: string };

export type TreeRow =
  | {
      kind: 'entry';
      key: string;
      entry: FsEntry;
      depth: number;
      /** null: not expandable. */
      expanded: boolean | null;
      posinset: number;
      setsize: number;
    }
  | { kind: 'loading' | 'empty'; key: string; depth: number; path: string }
  | { kind: 'error'; key: string; depth: number; path: string; message: string };

/** True for entries that are not part of the final filesystem (listed with `deleted=1`). */
export function isGone(entry: FsEntry): boolean {
  return entry.deletedBy !== undefined && entry.deletedBy !== null
    || entry.overwrittenBy !== undefined && entry.overwrittenBy !== null;
}

/** Stable identity of a row: the path, plus the layer for versions that are gone. */
export function entryKey(entry: FsEntry): string {
  return isGone(entry) ? `${entry.path}@${entry.layer}` : entry.path;
}

const collator = new Intl.Collator('en', { numeric: true });

const sortedCache = new WeakMap<FsEntry[], Map<SortKey, FsEntry[]>>();

/** sortEntries, remembered per listing: a 50,000-entry directory is sorted once per order. */
export function sortEntriesCached(entries: FsEntry[], sort: SortKey): FsEntry[] {
  let bySort = sortedCache.get(entries);
  if (!bySort) sortedCache.set(entries, (bySort = new Map()));
  let sorted = bySort.get(sort);
  if (!sorted) bySort.set(sort, (sorted = sortEntries(entries, sort)));
  return sorted;
}

/** Directories first, then by name (natural order) or by size (largest first). */
export function sortEntries(entries: FsEntry[], sort: SortKey): FsEntry[] {
  const dirFirst = (a: FsEntry, b: FsEntry) => Number(b.type === 'dir') - Number(a.type === 'dir');
  const byName = (a: FsEntry, b: FsEntry) => collator.compare(a.name, b.name) || a.layer - b.layer;
  const compare = sort === 'size'
    ? (a: FsEntry, b: FsEntry) => dirFirst(a, b) || b.size - a.size || byName(a, b)
    : (a: FsEntry, b: FsEntry) => dirFirst(a, b) || byName(a, b);
  return [...entries].sort(compare);
}

/**
 * The visible rows of a lazily loaded tree: the root listing, and below every expanded directory
 * its own listing (or a loading/error/empty row). Listings are keyed by directory path.
 */
export function buildTreeRows(root: string, listings: ReadonlyMap<string, Listing>, expanded: ReadonlySet<string>, sort: SortKey): TreeRow[] {
  const rows: TreeRow[] = [];
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
    if (listing.entries.length === 0) {
      rows.push({ kind: 'empty', key: `${dir}\u0000empty`, depth, path: dir });
      return;
    }
    const sorted = sortEntriesCached(listing.entries, sort);
    const live = new Set(sorted.filter((e) => !isGone(e)).map((e) => e.path));
    sorted.forEach((entry, index) => {
      // A version that is gone only expands when nothing live sits at that path (same listing).
      const expandable = entry.type === 'dir' && (!isGone(entry) || !live.has(entry.path));
      const open = expandable && expanded.has(entry.path);
      rows.push({
        kind: 'entry',
        key: entryKey(entry),
        entry,
        depth,
        expanded: expandable ? open : null,
        posinset: index + 1,
        setsize: sorted.length,
      });
      if (open) walk(entry.path, depth + 1);
    });
  };
  walk(root, 1);
  return rows;
}
