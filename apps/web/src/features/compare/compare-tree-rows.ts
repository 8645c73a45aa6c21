import type { CompareItem } from '@peel/api';
import { buildListingRows, type PlaceholderRow, type RowPlace, type TreeItems, type TreeListing } from '../files/index.js';
import { isFolder } from './compare-text.js';

/** One folder of the tree of differences as loaded so far. */
export type CompareListing = TreeListing<'items', CompareItem>;

export type CompareRow = ({ kind: 'item'; key: string; item: CompareItem } & RowPlace) | PlaceholderRow;

const compareTreeItems: TreeItems<'items', CompareItem, CompareRow> = {
  field: 'items',
  expandable: () => isFolder,
  row: (item, place) => ({ kind: 'item', key: item.path, item, ...place }),
};

/**
 * The visible rows of the tree of differences: the root folder's items, and below every open
 * folder its own items (or a loading, empty or error row). A folder's rows that are not loaded
 * yet are `pending`, so the tree has its full height from the first page on.
 */
export function buildCompareRows(root: string, listings: ReadonlyMap<string, CompareListing>, expanded: ReadonlySet<string>): CompareRow[] {
  return buildListingRows(root, listings, expanded, compareTreeItems);
}
