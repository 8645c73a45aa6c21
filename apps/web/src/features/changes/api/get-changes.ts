import { keepPreviousData, queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import { PAGE_MAX_LIMIT, type ChangeKind, type ChangesPage, type LayerChange } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import { loadRows } from '../../../lib/load-rows.js';
import { kindsParam } from '../changes-params.js';
import { changesKeys } from './query-keys.js';

/** Which of a layer's changes the list shows. */
export interface ChangesFilter {
  kinds: ChangeKind[];
  /** Substring of the path (case-insensitive); '' for every path. */
  q: string;
}

/** Rows of the first page: the list's first screens, back at once even for a 50,000-change layer. */
export const FIRST_PAGE = 500;

const url = (imageId: string, layer: number, params: Record<string, string | number | undefined>) =>
  apiUrl(`/api/images/${encodeURIComponent(imageId)}/layers/${layer}/changes`, { paged: 1, ...params });

/** `GET /api/images/:id/layers/:n/changes?paged=1`: one page of what layer n added, modified and deleted. */
export function getChangesPage(imageId: string, layer: number, filter: ChangesFilter, limit: number, cursor?: string | null): Promise<ChangesPage> {
  return apiJson<ChangesPage>(url(imageId, layer, { kinds: kindsParam(filter.kinds), q: filter.q || undefined, limit, cursor: cursor ?? undefined }));
}

async function extend(imageId: string, layer: number, filter: ChangesFilter, from: ChangesPage | null, rows: number): Promise<ChangesPage> {
  let list = from;
  while (list === null || (list.next !== null && list.items.length < rows)) {
    const want = list === null ? Math.max(rows, FIRST_PAGE) : rows - list.items.length;
    const page = await getChangesPage(imageId, layer, filter, Math.min(PAGE_MAX_LIMIT, Math.max(FIRST_PAGE, want)), list?.next);
    list = list === null ? page : { ...page, items: [...list.items, ...page.items] };
  }
  return list;
}

export const changesQueryOptions = (imageId: string, layer: number, filter: ChangesFilter) =>
  queryOptions({
    queryKey: changesKeys.list(imageId, layer, kindsParam(filter.kinds) ?? 'all', filter.q),
    queryFn: () => extend(imageId, layer, filter, null, FIRST_PAGE),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

/** The changes loaded so far (the first page, then more as the list scrolls); the last filter's stay shown while a new one loads. */
export function useChanges(imageId: string, layer: number, filter: ChangesFilter) {
  return useQuery({ ...changesQueryOptions(imageId, layer, filter), placeholderData: keepPreviousData });
}

/** Loads the list's next pages until it holds `rows` rows; one load per list at a time. */
export function loadChangeRows(client: QueryClient, imageId: string, layer: number, filter: ChangesFilter, rows: number): Promise<void> {
  const { queryKey } = changesQueryOptions(imageId, layer, filter);
  return loadRows<ChangesPage>(client, queryKey, rows, (current) => extend(imageId, layer, filter, current, rows));
}

/** The change a layer made to one path (null: none), without loading the list up to it. */
export function useChange(imageId: string, layer: number, path: string | undefined) {
  return useQuery({
    queryKey: changesKeys.path(imageId, layer, path),
    queryFn: async (): Promise<LayerChange | null> => (await apiJson<ChangesPage>(url(imageId, layer, { path, limit: 1 }))).items[0] ?? null,
    enabled: path !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}
