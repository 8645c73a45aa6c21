import { queryOptions, useQuery } from '@tanstack/react-query';
import type { FindingsResponse } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { findingsKeys } from './query-keys.js';

/** `GET /api/images/:id/findings`: sizes, waste and secrets (the first call per image computes them). */
export function getFindings(id: string): Promise<FindingsResponse> {
  return apiJson<FindingsResponse>(`/api/images/${encodeURIComponent(id)}/findings`);
}

export const findingsQueryOptions = (id: string) =>
  queryOptions({ queryKey: findingsKeys.findings(id), queryFn: () => getFindings(id), staleTime: Number.POSITIVE_INFINITY });

export function useFindings(id: string) {
  return useQuery(findingsQueryOptions(id));
}
