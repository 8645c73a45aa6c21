import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ImageSummary } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';

/** `GET /api/images`: every stored image, newest first as the server orders them. */
export function getImages(): Promise<ImageSummary[]> {
  return apiJson<ImageSummary[]>('/api/images');
}

export const imagesQueryOptions = () => queryOptions({ queryKey: ['images'], queryFn: getImages });

export function useImages() {
  return useQuery(imagesQueryOptions());
}
