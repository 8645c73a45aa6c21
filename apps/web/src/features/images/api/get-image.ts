import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ImageDetail } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { imageKeys } from './query-keys.js';

/** `GET /api/images/:id`: config, layers, history and problems of one image. */
export function getImage(id: string): Promise<ImageDetail> {
  return apiJson<ImageDetail>(`/api/images/${encodeURIComponent(id)}`);
}

export const imageQueryOptions = (id: string) =>
  queryOptions({ queryKey: imageKeys.image(id), queryFn: () => getImage(id), staleTime: Number.POSITIVE_INFINITY });

export function useImage(id: string) {
  return useQuery(imageQueryOptions(id));
}
