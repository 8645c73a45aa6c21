import { queryOptions, useQuery } from '@tanstack/react-query';
import type { DraftState } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { draftKeys } from './query-keys.js';

export const draftPath = (imageId: string, rest = '') => `/api/images/${encodeURIComponent(imageId)}/draft${rest}`;

/** `GET /api/images/:id/draft`: the pending edits of an image and what they add up to. */
export function getDraft(imageId: string): Promise<DraftState> {
  return apiJson<DraftState>(draftPath(imageId));
}

export const draftQueryOptions = (imageId: string) =>
  queryOptions({ queryKey: draftKeys.draft(imageId), queryFn: () => getDraft(imageId), staleTime: Number.POSITIVE_INFINITY });

export function useDraft(imageId: string) {
  return useQuery(draftQueryOptions(imageId));
}

/**
 * When image `imageId`'s draft last changed: `never` for a draft without edits, undefined while
 * it loads or when `imageId` is null (nothing asked), `unread` when it cannot be read. Edits update it (they reply with the draft).
 */
export function useDraftStamp(imageId: string | null): string | undefined {
  const draft = useQuery({ ...draftQueryOptions(imageId ?? ''), enabled: imageId !== null });
  if (imageId === null) return undefined;
  // A draft that cannot be read (an unknown image) is the comparison's to report.
  if (draft.isError) return 'unread';
  return draft.data ? (draft.data.updatedAt ?? 'never') : undefined;
}
