import { queryOptions, useQuery } from '@tanstack/react-query';
import type { CompareSummary } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import type { CompareSides } from '../compare-params.js';
import { compareKeys } from './query-keys.js';

/** The query parameters naming both sides, shared by every compare route. */
export const sidesParams = (sides: CompareSides, mtime: boolean) => ({
  a: sides.a, aLayer: sides.aLayer, aDraft: sides.aDraft, b: sides.b, bLayer: sides.bLayer, bDraft: sides.bDraft, mtime,
});

/** `GET /api/compare`: files, bytes and layers the sides share, config and history differences. */
export function getCompareSummary(sides: CompareSides, mtime: boolean): Promise<CompareSummary> {
  return apiJson<CompareSummary>(apiUrl('/api/compare', sidesParams(sides, mtime)));
}

export const compareSummaryQueryOptions = (sides: CompareSides, mtime: boolean) =>
  queryOptions({
    queryKey: compareKeys.summary(sides, mtime),
    queryFn: () => getCompareSummary(sides, mtime),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

export function useCompareSummary(sides: CompareSides, mtime: boolean) {
  return useQuery(compareSummaryQueryOptions(sides, mtime));
}
