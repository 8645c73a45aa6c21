import { useEffect, useId, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { PAGE_MAX_LIMIT } from '@peel/api';
import { errorMessage } from '../../lib/api-client.js';
import { HEADER_HEIGHT, ROW_HEIGHT, type PlaceholderRow, type TreeListing } from './tree-rows.js';

/** A row that stands for an item of the tree (not a loading, empty, error or pending row). */
type ItemRow<R> = Exclude<R, PlaceholderRow>;
type PendingRow = Extract<PlaceholderRow, { kind: 'pending' }>;

interface Options<R extends { key: string; kind: string }> {
  rows: readonly R[];
  /** Index of the selected row; -1 when none is selected or it is not in the rows yet. */
  selectedIndex: number;
  /** The folder of the selected path with how many of its rows are loaded and how many there are; null: nothing selected. */
  selectedFolder: { path: string; loaded: number; total: number } | null;
  /** Rows of a folder the tree loads beyond those it needs in view. */
  firstPage: number;
  /** Load a folder's rows up to this count. */
  loadRows: (folder: string, rows: number) => void;
}

const placeholderKinds: ReadonlySet<string> = new Set<PlaceholderRow['kind']>(['loading', 'empty', 'pending', 'error']);

/**
 * What every lazily loaded, virtualised tree does with its rows: only the rows in view are in the
 * DOM, the selected row is brought into view, a folder's pages load as its rows scroll into view
 * (and until a selected path deep in a big folder is there), and the keyboard steps from item
 * to item over the rows that stand for none.
 */
export function useLazyTree<R extends { key: string; kind: string }>({ rows, selectedIndex, selectedFolder, firstPage, loadRows }: Options<R>) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // The sticky column header sits above the rows inside the same scroller.
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    getItemKey: (i) => rows[i]?.key ?? i,
  });
  const idBase = useId();
  const rowId = (i: number) => `${idBase}-row-${i}`;

  // Bring the selected row into view when it changes (deep link, followed link, keyboard).
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  // A selected path deep in a big folder (deep link, search result): load its folder's pages
  // until it is there; the effect above then brings it into view.
  useEffect(() => {
    if (selectedIndex >= 0 || selectedFolder === null || selectedFolder.loaded >= selectedFolder.total) return;
    loadRows(selectedFolder.path, selectedFolder.loaded + PAGE_MAX_LIMIT);
  });

  const items = virtualizer.getVirtualItems();
  // Rows in view that are not loaded yet: load their folders up to them (and a page beyond).
  useEffect(() => {
    const want = new Map<string, number>();
    for (const item of items) {
      const row = rows[item.index];
      if (row?.kind !== 'pending') continue;
      const { path, index } = row as unknown as PendingRow;
      want.set(path, Math.max(want.get(path) ?? 0, index + 1));
    }
    for (const [folder, upTo] of want) loadRows(folder, upTo + firstPage);
  });

  const itemAt = (i: number): ItemRow<R> | null => {
    const row = rows[i];
    return row !== undefined && !placeholderKinds.has(row.kind) ? (row as ItemRow<R>) : null;
  };
  /** The next item row from `from` in steps of `delta`; `from` itself when there is none. */
  const step = (from: number, delta: number) => {
    for (let i = from + delta; i >= 0 && i < rows.length; i += delta) if (itemAt(i)) return i;
    return from;
  };

  return { scroller, virtualizer, items, rowId, itemAt, step };
}

/** One folder's listing as a tree sees it, from the state of the query that pages it. */
export function queryListing<K extends string, T>(field: K, query: { data?: { items: T[]; total: number }; isError: boolean; error: unknown }): TreeListing<K, T> {
  if (query.data) return { status: 'ready', total: query.data.total, [field]: query.data.items } as TreeListing<K, T>;
  return query.isError ? { status: 'error', message: errorMessage(query.error) } : { status: 'loading' };
}
