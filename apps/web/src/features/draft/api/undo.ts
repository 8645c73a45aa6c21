import type { DraftState } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { draftPath } from './get-draft.js';
import { useDraftEdit } from './use-draft-edit.js';

/** `POST /api/images/:id/draft/undo`: discards the last change made. */
export function undo(imageId: string): Promise<DraftState> {
  return apiJson<DraftState>(draftPath(imageId, '/undo'), { method: 'POST' });
}

export const useUndo = (imageId: string) => useDraftEdit(imageId, (id: string, _: void) => undo(id));
