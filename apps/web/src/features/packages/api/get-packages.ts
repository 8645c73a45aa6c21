import { keepPreviousData, queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import { PAGE_MAX_LIMIT, type PackageEcosystem, type PackageSort, type PackagesPage, type PackagesProgress } from '@peel/api';
import { ApiError, apiJson, apiUrl, errorFromResponse } from '../../../lib/api-client.js';
import { loadRows } from '../../../lib/load-rows.js';
import { ecosystemParam } from '../packages-params.js';
import { packagesKeys } from './query-keys.js';

/** Which packages the list shows, and in what order. */
export interface PackagesFilter {
  q: string;
  layer?: number;
  ecosystems: PackageEcosystem[];
  sort: PackageSort;
}

/** Rows of a first page: the first screens at once, even for an image of thousands of packages. */
export const FIRST_PAGE = 500;

const filterParams = (filter: PackagesFilter) => ({
  q: filter.q || undefined,
  layer: filter.layer,
  ecosystem: ecosystemParam(filter.ecosystems),
  sort: filter.sort === 'size' ? 'size' : undefined,
});

/** `GET /api/images/:id/packages?paged=1`: one page of packages, with the per-layer counts, the unowned files and the warnings. */
export function getPackagesPage(imageId: string, filter: PackagesFilter, limit: number, cursor?: string | null): Promise<PackagesPage> {
  return apiJson<PackagesPage>(apiUrl(`/api/images/${encodeURIComponent(imageId)}/packages`, { paged: 1, ...filterParams(filter), limit, cursor: cursor ?? undefined }));
}

/** Pages from `from` on until the listing holds `rows` rows (or all of them). */
async function extend(imageId: string, filter: PackagesFilter, from: PackagesPage | null, rows: number): Promise<PackagesPage> {
  let list = from;
  while (list === null || (list.next !== null && list.items.length < rows)) {
    const want = list === null ? Math.max(rows, FIRST_PAGE) : rows - list.items.length;
    const page = await getPackagesPage(imageId, filter, Math.min(PAGE_MAX_LIMIT, Math.max(FIRST_PAGE, want)), list?.next);
    list = list === null ? page : { ...page, items: [...list.items, ...page.items] };
  }
  return list;
}

export const packagesQueryOptions = (imageId: string, filter: PackagesFilter) =>
  queryOptions({
    queryKey: packagesKeys.list(imageId, apiUrl('', filterParams(filter))),
    queryFn: () => extend(imageId, filter, null, FIRST_PAGE),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

/** The packages loaded so far under a filter; the last filter's stay shown while a new one loads. */
export function usePackagesList(imageId: string, filter: PackagesFilter, enabled = true) {
  return useQuery({ ...packagesQueryOptions(imageId, filter), placeholderData: keepPreviousData, enabled });
}

/** How often the progress of a computation is asked for. */
const PROGRESS_POLL_MS = 500;

/**
 * `GET /api/images/:id/packages?wait=0`: null once the image's inventory is ready, else how far its
 * computation has come (202). One package is asked for: the answer is only a signal.
 */
export async function getPackagesProgress(imageId: string): Promise<PackagesProgress | null> {
  const url = apiUrl(`/api/images/${encodeURIComponent(imageId)}/packages`, { paged: 1, limit: 1, wait: 0 });
  let response: Response;
  try {
    response = await fetch(url);
  } catch (cause) {
    throw new ApiError(0, 'network', `Cannot reach the Peel server (${(cause as Error).message}). Is it running?`);
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response.status === 202 ? ((await response.json()) as PackagesProgress) : null;
}

/** Whether the inventory is ready (data null), asked again every half second until it is. */
export function usePackagesProgress(imageId: string) {
  return useQuery({
    queryKey: packagesKeys.progress(imageId),
    queryFn: () => getPackagesProgress(imageId),
    refetchInterval: (query) => (query.state.data === null || query.state.status === 'error' ? false : PROGRESS_POLL_MS),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/** Loads the list's next pages until it holds `rows` rows; one load per list at a time. */
export function loadPackagesRows(client: QueryClient, imageId: string, filter: PackagesFilter, rows: number): Promise<void> {
  const { queryKey } = packagesQueryOptions(imageId, filter);
  return loadRows<PackagesPage>(client, queryKey, rows, (current) => extend(imageId, filter, current, rows));
}

/** Pages searched for a selected package that the list has not loaded (a deep link into a long list). */
const NAMED_PAGES = 4;

/**
 * Every package whose name holds `name`, by name (up to a few pages): where a deep link's
 * package is found when the list shown does not hold it.
 */
export async function getPackagesNamed(imageId: string, name: string): Promise<PackagesPage> {
  const filter: PackagesFilter = { q: name, ecosystems: [], sort: 'name' };
  let list = await getPackagesPage(imageId, filter, PAGE_MAX_LIMIT);
  for (let i = 1; i < NAMED_PAGES && list.next !== null; i += 1) {
    const page = await getPackagesPage(imageId, filter, PAGE_MAX_LIMIT, list.next);
    list = { ...page, items: [...list.items, ...page.items] };
  }
  return list;
}

export function usePackagesNamed(imageId: string, name: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: packagesKeys.named(imageId, name ?? ''),
    queryFn: () => getPackagesNamed(imageId, name ?? ''),
    enabled: enabled && name !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/** The per-layer counts, unowned files and warnings alone (one package's page carries them). */
export const packagesSummaryOptions = (imageId: string) =>
  queryOptions({
    queryKey: packagesKeys.list(imageId, 'summary'),
    queryFn: () => getPackagesPage(imageId, { q: '', ecosystems: [], sort: 'name' }, 1),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

/** `GET /api/images/:id/packages?paged=1&path=P`: the packages whose databases list the file. */
export function usePackagesOwning(imageId: string, path: string, enabled: boolean) {
  return useQuery({
    queryKey: packagesKeys.owning(imageId, path),
    queryFn: () => apiJson<PackagesPage>(apiUrl(`/api/images/${encodeURIComponent(imageId)}/packages`, { paged: 1, path, limit: 20 })),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}
