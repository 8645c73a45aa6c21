import type { DraftState } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import { draftPath } from './get-draft.js';
import { useDraftEdit } from './use-draft-edit.js';

export interface WriteFile {
  path: string;
  /** The new bytes; a File streams from disk. */
  body: Blob | string;
  mode?: number;
  uid?: number;
  gid?: number;
}

/** `PUT /api/images/:id/draft/content?path=`: new contents for a file (created with its folders when missing). */
export function writeFile(imageId: string, { path, body, mode, uid, gid }: WriteFile): Promise<DraftState> {
  return apiJson<DraftState>(apiUrl(draftPath(imageId, '/content'), { path, mode, uid, gid }), {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body,
  });
}

export const useWriteFile = (imageId: string) => useDraftEdit(imageId, writeFile);
