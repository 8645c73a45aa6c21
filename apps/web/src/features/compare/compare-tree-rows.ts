import type { CompareItem } from '@peel/api';
import { isFolder } from './compare-text.js';

/** One folder of the tree of differences as loaded so far. */
export type CompareListing = { status: 'ready'; items: CompareItem[]; total: number } | { status: 'loading' } | { status: 'error'; message: string };

export type CompareRow =
  | { kind: 'item'; key: string; item: CompareItem; depth: number; expanded: boolean | null; posinset: number; setsize: number }
  | { kind: 'loading' | 'empty'; key: string; depth: number; path: string }
  /** A row of a folder whose page is not loaded yet; `index` is its place in the folder. */
  | { kind: 'pending'; key: string; depth: number; path: string; index: number }
  | { kind: 'error'; key: string; depth: number; path: string; message: string };

/**
 * The visible rows of the tree of differences: the root folder's items, and below every open
 * folder its own items (or a loading, empty or error row). A folder's rows that are not loaded
 * yet are `pending`, so the tree has its full height from the first page on.
 */
export function buildCompareRows(root: string, listings: ReadonlyMap<string, CompareListing>, expanded: ReadonlySet<string>): CompareRow[] {
  const rows: CompareRow[] = [];
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
    listing.items.forEach((item, index) => {
      const folder = isFolder(item);
      const open = folder && expanded.has(item.path);
      rows.push({ kind: 'item', key: item.path, item, depth, expanded: folder ? open : null, posinset: index + 1, setsize: listing.total });
      if (open) walk(item.path, depth + 1);
    });
    for (let index = listing.items.length; index < listing.total; index++) rows.push({ kind: 'pending', key: `${dir}\u0000${index}`, depth, path: dir, index });
  };
  walk(root, 1);
  return rows;
}

/** Folders whose listing the tree needs: the root and every open folder whose parents are all open. */
export function visibleFolders(expanded: ReadonlySet<string>): string[] {
  const open = (path: string): boolean => {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    return parent === '/' || (expanded.has(parent) && open(parent));
  };
  return ['/', ...[...expanded].filter(open)];
}
