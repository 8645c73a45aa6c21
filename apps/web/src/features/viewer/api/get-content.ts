import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiUrl, ApiError, errorFromResponse } from '../../../lib/api-client.js';
import { contentKeys } from './query-keys.js';

/** A slice of a file's bytes and the file's full size. */
export interface ContentPage {
  bytes: Uint8Array;
  /** Offset of the first byte. */
  start: number;
  /** Size of the whole file. */
  total: number;
}

/** Where a file is read: one layer's own tree (a number), the draft's result, or the merged filesystem (undefined). */
export type ContentLayer = number | 'draft' | undefined;

/** The URL of a file's bytes: in the merged filesystem, in one layer's own tree, or with the draft applied. */
export function contentUrl(imageId: string, path: string, layer?: ContentLayer): string {
  return apiUrl(`/api/images/${encodeURIComponent(imageId)}/content`, layer === 'draft' ? { path, draft: true } : { path, layer });
}

/** Parses `bytes 0-65535/2097152` into its total; null for `*` or anything else. */
export function parseContentRangeTotal(header: string | null): number | null {
  const match = header ? /\/(\d+)\s*$/.exec(header) : null;
  return match ? Number(match[1]) : null;
}

/**
 * `GET /api/images/:id/content` with `Range: bytes=start-(start+length-1)`: one page of a file,
 * so a large file is never loaded whole.
 */
export async function getContentPage(imageId: string, path: string, layer: ContentLayer, start: number, length: number): Promise<ContentPage> {
  let response: Response;
  try {
    response = await fetch(contentUrl(imageId, path, layer), { headers: { Range: `bytes=${start}-${start + length - 1}` } });
  } catch (cause) {
    throw new ApiError(0, 'network', `Cannot reach the Peel server (${(cause as Error).message}).`);
  }
  if (response.status === 416) return { bytes: new Uint8Array(), start, total: parseContentRangeTotal(response.headers.get('Content-Range')) ?? start };
  if (!response.ok) throw await errorFromResponse(response);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (response.status === 206) {
    return { bytes, start, total: parseContentRangeTotal(response.headers.get('Content-Range')) ?? start + bytes.length };
  }
  // 200: the server sent the whole file (it ignored the range, or the file is small).
  return { bytes: bytes.subarray(start, start + length), start, total: bytes.length };
}

export const contentPageQueryOptions = (imageId: string, path: string, layer: ContentLayer, start: number, length: number) =>
  queryOptions({
    queryKey: contentKeys.page(imageId, path, layer, start, length),
    queryFn: () => getContentPage(imageId, path, layer, start, length),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

export function useContentPage(imageId: string, path: string, layer: ContentLayer, start: number, length: number, enabled = true) {
  return useQuery({ ...contentPageQueryOptions(imageId, path, layer, start, length), enabled });
}
