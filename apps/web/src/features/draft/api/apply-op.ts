import type { DraftOpRequest, DraftState } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { draftPath } from './get-draft.js';
import { useDraftEdit } from './use-draft-edit.js';

/** `POST /api/images/:id/draft/ops`: mkdir, symlink, rename, chmod or chown. */
export function applyOp(imageId: string, op: DraftOpRequest): Promise<DraftState> {
  return apiJson<DraftState>(draftPath(imageId, '/ops'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(op),
  });
}

export const useApplyOp = (imageId: string) => useDraftEdit(imageId, applyOp);
