import { keepPreviousData, queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import { PAGE_MAX_LIMIT, type CompareChange, type ComparePage } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import { loadRows } from '../../../lib/load-rows.js';
import { kindsParam, type CompareSides } from '../compare-params.js';
import { sidesParams } from './get-compare.js';
import { compareKeys } from './query-keys.js';

/** Which paths the tree of differences lists, and in what order. */
export interface TreeFilter {
  kinds: CompareChange[];
  sort: 'name' | 'delta';
  unchanged: boolean;
  mtime: boolean;
}

/** Which paths the flat list of changes lists. */
export interface ListFilter {
  kinds: CompareChange[];
  /** Substring of the path; '' for every path. */
  q: string;
  mtime: boolean;
}

/** Rows of a first page: the first screens, back at once even for a folder of 50,000 entries. */
export const FIRST_PAGE = 500;

const treeParams = (filter: TreeFilter) => ({ kinds: kindsParam(filter.kinds), sort: filter.sort === 'delta' ? 'delta' : undefined, unchanged: filter.unchanged });
const listParams = (filter: ListFilter) => ({ kinds: kindsParam(filter.kinds), q: filter.q || undefined });
/** A filter as one key part: the query string it sends. */
const filterKey = (params: Record<string, string | boolean | undefined>, mtime: boolean) => apiUrl('', { ...params, mtime });

/** `GET /api/compare/fs?path=…&paged=1`: one page of one folder of the tree of differences. */
function getFolderPage(sides: CompareSides, filter: TreeFilter, path: string, limit: number, cursor: string | null | undefined): Promise<ComparePage> {
  return apiJson<ComparePage>(apiUrl('/api/compare/fs', { ...sidesParams(sides, filter.mtime), path, paged: 1, ...treeParams(filter), limit, cursor: cursor ?? undefined }));
}

/** `GET /api/compare/changes?paged=1`: one page of the changed paths in tree order. */
function getChangesPage(sides: CompareSides, filter: ListFilter, limit: number, cursor: string | null | undefined): Promise<ComparePage> {
  return apiJson<ComparePage>(apiUrl('/api/compare/changes', { ...sidesParams(sides, filter.mtime), paged: 1, ...listParams(filter), limit, cursor: cursor ?? undefined }));
}

/** Pages from `from` on until the listing holds `rows` rows (or all of them). */
async function extend(fetchPage: (limit: number, cursor: string | null | undefined) => Promise<ComparePage>, from: ComparePage | null, rows: number): Promise<ComparePage> {
  let list = from;
  while (list === null || (list.next !== null && list.items.length < rows)) {
    const want = list === null ? Math.max(rows, FIRST_PAGE) : rows - list.items.length;
    const page = await fetchPage(Math.min(PAGE_MAX_LIMIT, Math.max(FIRST_PAGE, want)), list?.next);
    list = list === null ? page : { ...page, items: [...list.items, ...page.items] };
  }
  return list;
}

export const folderQueryOptions = (sides: CompareSides, filter: TreeFilter, path: string) =>
  queryOptions({
    queryKey: compareKeys.folder(sides, filterKey(treeParams(filter), filter.mtime), path),
    queryFn: () => extend((limit, cursor) => getFolderPage(sides, filter, path, limit, cursor), null, FIRST_PAGE),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

/** Loads a folder's next pages until it holds `rows` rows; one load per folder at a time. */
export function loadFolderRows(client: QueryClient, sides: CompareSides, filter: TreeFilter, path: string, rows: number): Promise<void> {
  const { queryKey } = folderQueryOptions(sides, filter, path);
  return loadRows<ComparePage>(client, queryKey, rows, (current) => extend((limit, cursor) => getFolderPage(sides, filter, path, limit, cursor), current, rows));
}

/** One folder of the tree (the first page, then more as the tree scrolls). */
export function useFolder(sides: CompareSides, filter: TreeFilter, path: string, enabled = true) {
  return useQuery({ ...folderQueryOptions(sides, filter, path), enabled });
}

export const changesQueryOptions = (sides: CompareSides, filter: ListFilter) =>
  queryOptions({
    queryKey: compareKeys.changes(sides, filterKey(listParams(filter), filter.mtime)),
    queryFn: () => extend((limit, cursor) => getChangesPage(sides, filter, limit, cursor), null, FIRST_PAGE),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

/** The changed paths loaded so far; the last filter's stay shown while a new one loads. */
export function useChangesList(sides: CompareSides, filter: ListFilter, enabled = true) {
  return useQuery({ ...changesQueryOptions(sides, filter), enabled, placeholderData: keepPreviousData });
}

/** Loads the list's next pages until it holds `rows` rows. */
export function loadChangesRows(client: QueryClient, sides: CompareSides, filter: ListFilter, rows: number): Promise<void> {
  const { queryKey } = changesQueryOptions(sides, filter);
  return loadRows<ComparePage>(client, queryKey, rows, (current) => extend((limit, cursor) => getChangesPage(sides, filter, limit, cursor), current, rows));
}
