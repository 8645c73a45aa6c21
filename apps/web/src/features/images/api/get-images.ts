import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ImageSummary } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { imageKeys } from './query-keys.js';

/** `GET /api/images`: every stored image, newest first as the server orders them. */
export function getImages(): Promise<ImageSummary[]> {
  return apiJson<ImageSummary[]>('/api/images');
}

export const imagesQueryOptions = () => queryOptions({ queryKey: imageKeys.list(), queryFn: getImages });

export function useImages() {
  return useQuery(imagesQueryOptions());
}
