import type { DraftState } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { draftPath } from './get-draft.js';
import { useDraftEdit } from './use-draft-edit.js';

/** `DELETE /api/images/:id/draft`: throws every pending change away. */
export function discardDraft(imageId: string): Promise<DraftState> {
  return apiJson<DraftState>(draftPath(imageId), { method: 'DELETE' });
}

export const useDiscardDraft = (imageId: string) => useDraftEdit(imageId, (id: string, _: void) => discardDraft(id));
