import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiUrl, ApiError, errorFromResponse } from '../../../lib/api-client.js';
import { archiveKeys } from './query-keys.js';

/** The URL of one archive entry's bytes. */
export function archiveContentUrl(imageId: string, path: string): string {
  return apiUrl(`/api/images/${encodeURIComponent(imageId)}/archive/content`, { path });
}

/** At most this many bytes of an archive entry are shown in the page. */
export const ARCHIVE_PREVIEW_BYTES = 1024 * 1024;

export interface ArchiveContent {
  bytes: Uint8Array;
  contentType: string;
  truncated: boolean;
}

/** `GET /api/images/:id/archive/content?path=`: the first MiB of an archive entry. */
export async function getArchiveContent(imageId: string, path: string): Promise<ArchiveContent> {
  let response: Response;
  try {
    response = await fetch(archiveContentUrl(imageId, path), { headers: { Range: `bytes=0-${ARCHIVE_PREVIEW_BYTES - 1}` } });
  } catch (cause) {
    throw new ApiError(0, 'network', `Cannot reach the Peel server (${(cause as Error).message}).`);
  }
  if (!response.ok) throw await errorFromResponse(response);
  const all = new Uint8Array(await response.arrayBuffer());
  const bytes = all.subarray(0, ARCHIVE_PREVIEW_BYTES);
  const range = response.headers.get('Content-Range');
  const total = range ? Number(/\/(\d+)/.exec(range)?.[1] ?? bytes.length) : all.length;
  return { bytes, contentType: response.headers.get('Content-Type') ?? '', truncated: total > bytes.length };
}

export const archiveContentQueryOptions = (imageId: string, path: string) =>
  queryOptions({
    queryKey: archiveKeys.content(imageId, path),
    queryFn: () => getArchiveContent(imageId, path),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

export function useArchiveContent(imageId: string, path: string | null) {
  return useQuery({ ...archiveContentQueryOptions(imageId, path ?? ''), enabled: path !== null && path !== '' });
}
