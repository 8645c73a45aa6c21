import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { SearchResult } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';

export const SEARCH_LIMIT = 500;

/** `GET /api/images/:id/search?q=`: merged (and deleted) paths matching a substring or glob. */
export function searchPaths(imageId: string, q: string, offset = 0): Promise<SearchResult> {
  return apiJson<SearchResult>(apiUrl(`/api/images/${encodeURIComponent(imageId)}/search`, { q, offset, limit: SEARCH_LIMIT }));
}

export const searchQueryOptions = (imageId: string, q: string) =>
  queryOptions({
    queryKey: ['search', imageId, q],
    queryFn: () => searchPaths(imageId, q),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

export function useSearchPaths(imageId: string, q: string) {
  return useQuery({ ...searchQueryOptions(imageId, q), enabled: q.trim() !== '', placeholderData: keepPreviousData });
}
