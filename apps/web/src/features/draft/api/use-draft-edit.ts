import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { DraftState, FsEntry } from '@peel/api';
import { fsKeys } from '../../fs/index.js';
import { contentKeys } from '../../viewer/index.js';
import { draftKeys } from './query-keys.js';

/**
 * Takes the draft every edit replies with, and drops what the edited filesystem showed before:
 * listings and file contents of the draft view are fetched again when next shown.
 */
export async function applyDraftState(client: QueryClient, imageId: string, state: DraftState | undefined): Promise<void> {
  // A reply without a body (204) says nothing about the new draft: ask for it.
  if (state) client.setQueryData(draftKeys.draft(imageId), state);
  // The first edit moves the Files tab to the draft's listings: start them from the plain ones
  // (refetched right below), so open folders do not blink through "Loading…".
  for (const [key, entries] of client.getQueriesData<FsEntry[]>({ queryKey: fsKeys.merged(imageId) })) {
    const draftKey = fsKeys.draftTwin(key);
    if (entries && client.getQueryData(draftKey) === undefined) client.setQueryData(draftKey, entries);
  }
  await Promise.all([
    state ? null : client.invalidateQueries({ queryKey: draftKeys.draft(imageId) }),
    client.invalidateQueries({ queryKey: fsKeys.draft(imageId) }),
    client.invalidateQueries({ queryKey: contentKeys.draft(imageId) }),
  ]);
}

/** A mutation of an image's draft; its reply (the new draft) replaces the cached one. */
export function useDraftEdit<V>(imageId: string, send: (imageId: string, vars: V) => Promise<DraftState | undefined>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (vars: V) => send(imageId, vars),
    onSuccess: (state) => applyDraftState(client, imageId, state),
  });
}
