import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import { PAGE_MAX_LIMIT, type FsEntry, type FsPage, type ListingSort } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import { loadRows } from '../../../lib/load-rows.js';
import { fsKeys } from './query-keys.js';
import { baseName, parentPath } from '../../../lib/paths.js';

/** Which filesystem a tree shows: the merged one (optionally with what is gone) or one layer's own. */
export interface FsScope {
  imageId: string;
  /** A layer's own tree; undefined for the merged filesystem. */
  layer?: number;
  /** Merged view only: also list deleted and overwritten entries. */
  deleted?: boolean;
  /** Merged view only: the filesystem with the image's draft applied (edited entries marked;
   *  with `deleted`, what the draft deleted is listed too). */
  draft?: boolean;
  /** The filesystem as of this layer (layers 0..N merged; with `deleted`, what layer N deleted too). */
  asOf?: number;
  /**
   * A layer of an image still being opened from a registry: `imageId` is then the open job's id
   * and `layer` the layer's own tree, read from the job while the rest of the image comes in.
   */
  openJob?: boolean;
}

/** The rows of a folder loaded so far (in the server's order), and how many there are in all. */
export type DirListing = FsPage;

/** Rows the first page of a folder holds: enough to fill the tree, small enough to come back at once. */
export const FIRST_PAGE = 500;

function dirUrl(scope: FsScope, path: string, extra: Record<string, string | number | undefined>): string {
  if (scope.openJob) return apiUrl(`/api/registry/open-jobs/${encodeURIComponent(scope.imageId)}/layers/${scope.layer ?? 0}/fs`, { path, paged: 1, ...extra });
  return apiUrl(`/api/images/${encodeURIComponent(scope.imageId)}/fs`, {
    path,
    layer: scope.layer,
    asOf: scope.asOf,
    deleted: scope.layer === undefined && scope.deleted === true,
    draft: scope.layer === undefined && scope.asOf === undefined && scope.draft === true,
    paged: 1,
    ...extra,
  });
}

/** `GET /api/images/:id/fs?path=…&paged=1`: one page of a folder, in the tree's order. */
export function getDirPage(scope: FsScope, path: string, sort: ListingSort, limit: number, cursor?: string | null): Promise<FsPage> {
  return apiJson<FsPage>(dirUrl(scope, path, { sort: sort === 'name' ? undefined : sort, limit, cursor: cursor ?? undefined }));
}

/** Pages of a folder from `from` on, until it holds `rows` rows (or all of them). */
async function extend(scope: FsScope, path: string, sort: ListingSort, from: DirListing | null, rows: number): Promise<DirListing> {
  let listing = from;
  while (listing === null || (listing.next !== null && listing.items.length < rows)) {
    const want = listing === null ? Math.max(rows, FIRST_PAGE) : rows - listing.items.length;
    const page = await getDirPage(scope, path, sort, Math.min(PAGE_MAX_LIMIT, Math.max(FIRST_PAGE, want)), listing?.next);
    listing = listing === null ? page : { items: [...listing.items, ...page.items], total: page.total, next: page.next };
  }
  return listing;
}

export const dirQueryOptions = (scope: FsScope, path: string, sort: ListingSort = 'name') =>
  queryOptions({
    queryKey: fsKeys.rows(scope, path, sort),
    // Fetched again (a draft edit): as many rows as were shown, so the tree keeps its place.
    queryFn: ({ client, queryKey }) => extend(scope, path, sort, null, client.getQueryData<DirListing>(queryKey)?.items.length ?? FIRST_PAGE),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

/** Loads a folder's next pages until it holds `rows` rows (the rows in view); one load per folder at a time. */
export function loadDirRows(client: QueryClient, scope: FsScope, path: string, sort: ListingSort, rows: number): Promise<void> {
  const { queryKey } = dirQueryOptions(scope, path, sort);
  return loadRows<DirListing>(client, queryKey, rows, (current) => extend(scope, path, sort, current, rows));
}

/** The entries at one path (the live one and, with `deleted`, the versions that are gone), without listing its folder. */
export const entryQueryOptions = (scope: FsScope, path: string) =>
  queryOptions({
    queryKey: fsKeys.entry(scope, path),
    queryFn: async (): Promise<FsEntry[]> => (await apiJson<FsPage>(dirUrl(scope, parentPath(path), { name: baseName(path) }))).items,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

/**
 * The entries at one path. When the same path is asked for in another view of the image (the
 * draft view appears after the first edit), the last answer stays on screen until the new one
 * arrives, so what shows it (an open editor) is not torn down.
 */
export function useEntryVersions(scope: FsScope, path: string, enabled = true) {
  return useQuery({
    ...entryQueryOptions(scope, path),
    enabled,
    placeholderData: (previous, query) => (query && query.queryKey[1] === scope.imageId && query.queryKey.at(-1) === path ? previous : undefined),
  });
}
