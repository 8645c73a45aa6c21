import type { DraftState, DraftTagRequest } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { draftPath } from './get-draft.js';
import { useDraftEdit } from './use-draft-edit.js';

/** `PUT /api/images/:id/draft/tag`: the name:tag the export writes (null: the default). */
export function setTag(imageId: string, tag: string | null): Promise<DraftState> {
  const body: DraftTagRequest = { tag };
  return apiJson<DraftState>(draftPath(imageId, '/tag'), {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export const useSetTag = (imageId: string) => useDraftEdit(imageId, setTag);
