import type { FsEntry } from '@peel/api';

export type SortKey = 'name' | 'size';

/** Height of one tree row in pixels (rows are virtualised, so every row has the same height). */
export const ROW_HEIGHT = 28;
/** Height of the sticky column header above the rows. */
export const HEADER_HEIGHT = 30;

/**
 * The state of one directory listing, as the tree sees it: the rows loaded so far, in the
 * server's order (folders first, then by name or size), and how many there are in all.
 */
export type Listing = { status: 'ready'; entries: FsEntry[]; total: number } | { status: 'loading' } | { status: 'error'; message: string };

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
  /** A row of a big folder whose page is not loaded yet; `index` is its place in the folder. */
  | { kind: 'pending'; key: string; depth: number; path: string; index: number }
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

/**
 * The visible rows of a lazily loaded tree: the root listing, and below every expanded directory
 * its own listing (or a loading/error/empty row). Listings are keyed by directory path and come
 * in the order the server pages them; the rows of a folder not loaded yet are `pending` rows, so
 * the tree has its full height from the first page on and nothing moves when pages arrive.
 */
export function buildTreeRows(root: string, listings: ReadonlyMap<string, Listing>, expanded: ReadonlySet<string>): TreeRow[] {
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
    if (listing.total === 0) {
      rows.push({ kind: 'empty', key: `${dir}\u0000empty`, depth, path: dir });
      return;
    }
    const { entries, total } = listing;
    const live = new Set<string>();
    for (const e of entries) if (!isGone(e)) live.add(e.path);
    entries.forEach((entry, index) => {
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
        setsize: total,
      });
      if (open) walk(entry.path, depth + 1);
    });
    for (let index = entries.length; index < total; index++) rows.push({ kind: 'pending', key: `${dir}\u0000${index}`, depth, path: dir, index });
  };
  walk(root, 1);
  return rows;
}
