import type { DraftState } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import { draftPath } from './get-draft.js';
import { useDraftEdit } from './use-draft-edit.js';

/** `DELETE /api/images/:id/draft/content?path=`: deletes a file, or a folder with everything in it. */
export function deletePath(imageId: string, path: string): Promise<DraftState> {
  return apiJson<DraftState>(apiUrl(draftPath(imageId, '/content'), { path }), { method: 'DELETE' });
}

/** The same delete, meant to take the path's bytes out of every layer (`fromEveryLayer=1`). */
export function deleteFromEveryLayer(imageId: string, path: string): Promise<DraftState> {
  return apiJson<DraftState>(apiUrl(draftPath(imageId, '/content'), { path, fromEveryLayer: '1' }), { method: 'DELETE' });
}

export const useDeletePath = (imageId: string) => useDraftEdit(imageId, deletePath);
export const useDeleteFromEveryLayer = (imageId: string) => useDraftEdit(imageId, deleteFromEveryLayer);
