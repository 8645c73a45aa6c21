import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ArchiveEntry } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { archiveKeys } from './query-keys.js';

/** `GET /api/images/:id/archive`: the archive's own entries with their roles. */
export function getArchive(imageId: string): Promise<ArchiveEntry[]> {
  return apiJson<ArchiveEntry[]>(`/api/images/${encodeURIComponent(imageId)}/archive`);
}

export const archiveQueryOptions = (imageId: string) =>
  queryOptions({ queryKey: archiveKeys.entries(imageId), queryFn: () => getArchive(imageId), staleTime: Number.POSITIVE_INFINITY, retry: false });

export function useArchive(imageId: string) {
  return useQuery(archiveQueryOptions(imageId));
}
