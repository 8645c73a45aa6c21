import { queryOptions, useQuery } from '@tanstack/react-query';
import type { LayerChange } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';

/** `GET /api/images/:id/layers/:n/changes`: what layer n added, modified and deleted. */
export function getChanges(imageId: string, layer: number): Promise<LayerChange[]> {
  return apiJson<LayerChange[]>(`/api/images/${encodeURIComponent(imageId)}/layers/${layer}/changes`);
}

export const changesQueryOptions = (imageId: string, layer: number) =>
  queryOptions({ queryKey: ['changes', imageId, layer], queryFn: () => getChanges(imageId, layer), staleTime: Number.POSITIVE_INFINITY, retry: false });

export function useChanges(imageId: string, layer: number) {
  return useQuery(changesQueryOptions(imageId, layer));
}
