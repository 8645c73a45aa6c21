import type { DraftState } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import { draftPath } from './get-draft.js';
import { useDraftEdit } from './use-draft-edit.js';

/** `DELETE /api/images/:id/draft/changes?path=`: discards every change made to one path. */
export function discardPath(imageId: string, path: string): Promise<DraftState> {
  return apiJson<DraftState>(apiUrl(draftPath(imageId, '/changes'), { path }), { method: 'DELETE' });
}

export const useDiscardPath = (imageId: string) => useDraftEdit(imageId, discardPath);
