import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { SearchResult } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import { filesKeys } from './query-keys.js';

export const SEARCH_PAGE = 500;

/**
 * `GET /api/images/:id/search?q=&deleted=&limit=` and `offset=` or `cursor=` (a reply's `next`):
 * merged paths matching a substring or glob, and with `deleted` the deleted and overwritten ones too.
 */
export function searchPaths(imageId: string, q: string, deleted: boolean, page: { offset: number } | { cursor: string } = { offset: 0 }, limit = SEARCH_PAGE): Promise<SearchResult> {
  return apiJson<SearchResult>(apiUrl(`/api/images/${encodeURIComponent(imageId)}/search`, { q, deleted: deleted ? 1 : 0, ...page, limit }));
}

// Pages after the first follow the reply's cursor: the server seeks to it, where an offset deep
// into a long list of sparse matches would be walked.
export const searchQueryOptions = (imageId: string, q: string, deleted: boolean) =>
  infiniteQueryOptions({
    queryKey: filesKeys.search(imageId, q, deleted),
    queryFn: ({ pageParam }) => searchPaths(imageId, q, deleted, pageParam === null ? { offset: 0 } : { cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next ?? undefined,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

/** The matches page by page; `fetchNextPage` asks for the next page. */
export function useSearchPaths(imageId: string, q: string, deleted: boolean) {
  return useInfiniteQuery({ ...searchQueryOptions(imageId, q, deleted), enabled: q.trim() !== '', placeholderData: keepPreviousData });
}

/** How many paths match, the deleted and overwritten ones included (the total of a page of one). */
export function useSearchTotal(imageId: string, q: string, enabled: boolean) {
  return useQuery({
    queryKey: filesKeys.searchTotal(imageId, q),
    queryFn: () => searchPaths(imageId, q, true, { offset: 0 }, 1),
    select: (result) => result.total,
    enabled: enabled && q.trim() !== '',
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}
