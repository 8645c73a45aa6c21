import { useCallback, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { joinChild } from '../../lib/paths.js';
import { writeFile } from './api/write-file.js';
import { applyDraftState } from './api/use-draft-edit.js';

export type UploadIntoState =
  | { status: 'idle' }
  | { status: 'busy'; folder: string; name: string; done: number; total: number }
  | { status: 'done'; folder: string; paths: string[] }
  | { status: 'error'; folder: string; name: string; error: unknown };

/**
 * Puts files from the computer into a folder of the draft, one after another (each File streams
 * from disk as the request body). Stops at the first failure and says which file it was.
 */
export function useUploadInto(imageId: string) {
  const client = useQueryClient();
  const [state, setState] = useState<UploadIntoState>({ status: 'idle' });

  const upload = useCallback(
    async (folder: string, files: readonly File[]): Promise<string[]> => {
      const paths: string[] = [];
      for (const [i, file] of files.entries()) {
        setState({ status: 'busy', folder, name: file.name, done: i, total: files.length });
        const path = joinChild(folder, file.name);
        try {
          await applyDraftState(client, imageId, await writeFile(imageId, { path, body: file }));
        } catch (error) {
          setState({ status: 'error', folder, name: file.name, error });
          return paths;
        }
        paths.push(path);
      }
      setState({ status: 'done', folder, paths });
      return paths;
    },
    [client, imageId],
  );
  const reset = useCallback(() => setState({ status: 'idle' }), []);
  return { state, upload, reset };
}
