import { useQuery } from '@tanstack/react-query';
import type { ComparePackages } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import type { CompareSides } from '../compare-params.js';
import { sidesParams } from './get-compare.js';
import { compareKeys } from './query-keys.js';

/** `GET /api/compare/packages`: the packages the sides differ by. */
export function getComparePackages(sides: CompareSides): Promise<ComparePackages> {
  return apiJson<ComparePackages>(apiUrl('/api/compare/packages', sidesParams(sides, false)));
}

export function useComparePackages(sides: CompareSides) {
  return useQuery({ queryKey: compareKeys.packages(sides), queryFn: () => getComparePackages(sides), staleTime: Number.POSITIVE_INFINITY, retry: false });
}
