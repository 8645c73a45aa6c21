import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { SearchResult } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import { filesKeys } from './query-keys.js';

export const SEARCH_PAGE = 500;

/** `GET /api/images/:id/search?q=&offset=&limit=`: merged (and deleted) paths matching a substring or glob. */
export function searchPaths(imageId: string, q: string, offset = 0): Promise<SearchResult> {
  return apiJson<SearchResult>(apiUrl(`/api/images/${encodeURIComponent(imageId)}/search`, { q, offset, limit: SEARCH_PAGE }));
}

export const searchQueryOptions = (imageId: string, q: string) =>
  infiniteQueryOptions({
    queryKey: filesKeys.search(imageId, q),
    queryFn: ({ pageParam }) => searchPaths(imageId, q, pageParam),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.offset + last.items.length < last.total && last.items.length > 0 ? last.offset + last.items.length : undefined),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

/** The matches page by page; `fetchNextPage` asks for the next page. */
export function useSearchPaths(imageId: string, q: string) {
  return useInfiniteQuery({ ...searchQueryOptions(imageId, q), enabled: q.trim() !== '', placeholderData: keepPreviousData });
}
