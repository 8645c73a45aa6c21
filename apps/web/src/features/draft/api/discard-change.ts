import type { DraftState } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { draftPath } from './get-draft.js';
import { useDraftEdit } from './use-draft-edit.js';

/** `DELETE /api/images/:id/draft/changes/:index`: discards one pending change (the last one: undo). */
export function discardChange(imageId: string, index: number): Promise<DraftState> {
  return apiJson<DraftState>(draftPath(imageId, `/changes/${index}`), { method: 'DELETE' });
}

export const useDiscardChange = (imageId: string) => useDraftEdit(imageId, discardChange);
