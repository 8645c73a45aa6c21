import type { DraftState } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { draftPath } from './get-draft.js';
import { useDraftEdit } from './use-draft-edit.js';

/** `PATCH /api/images/:id/draft/config`: keys of the run config to set, `null` to remove one. */
export function patchConfig(imageId: string, patch: Record<string, unknown>): Promise<DraftState> {
  return apiJson<DraftState>(draftPath(imageId, '/config'), {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(patch),
  });
}

export const usePatchConfig = (imageId: string) => useDraftEdit(imageId, patchConfig);
