import { describe, expect, it } from 'vitest';
import { QueryClient, type QueryKey } from '@tanstack/react-query';
import type { DraftState, FsEntry } from '@peel/api';
import { fsKeys, type FsScope } from '../../fs/index.js';
import { contentKeys } from '../../viewer/index.js';
import { applyDraftState } from './use-draft-edit.js';
import { draftKeys } from './query-keys.js';

const ID = 'sha256:aaaa';
const OTHER = 'sha256:bbbb';
const entries: FsEntry[] = [{ path: '/etc/os-release' } as FsEntry];
const draft = { ops: [], configChanges: [], tag: null } as unknown as DraftState;

/** A client holding, for two images, the listings and contents every view of an image caches. */
function cached(): QueryClient {
  const client = new QueryClient();
  for (const imageId of [ID, OTHER]) {
    const scopes: FsScope[] = [{ imageId }, { imageId, deleted: true }, { imageId, draft: true }, { imageId, layer: 2 }, { imageId, asOf: 1 }];
    for (const scope of scopes) {
      client.setQueryData(fsKeys.rows(scope, '/etc', 'name'), { items: entries, total: 1, next: null });
      client.setQueryData(fsKeys.entry(scope, '/etc/os-release'), entries);
    }
    for (const layer of [undefined, 'draft', 2] as const) client.setQueryData(contentKeys.page(imageId, '/etc/os-release', layer, 0, 4096), { bytes: new Uint8Array(), start: 0, total: 0 });
  }
  return client;
}

const invalidated = (client: QueryClient): string[] =>
  client
    .getQueryCache()
    .getAll()
    .filter((q) => q.state.isInvalidated)
    .map((q) => JSON.stringify(q.queryKey))
    .sort();

const key = (k: QueryKey) => JSON.stringify(k);

describe('applyDraftState: an edit refreshes what shows the draft, and nothing else', () => {
  it('invalidates every draft listing, entry and content page of that image only', async () => {
    const client = cached();
    await applyDraftState(client, ID, draft);
    expect(client.getQueryData(draftKeys.draft(ID))).toBe(draft);
    expect(invalidated(client)).toEqual(
      [
        fsKeys.rows({ imageId: ID, draft: true }, '/etc', 'name'),
        fsKeys.entry({ imageId: ID, draft: true }, '/etc/os-release'),
        // Started from the merged ones (with what is gone, too), then fetched again.
        fsKeys.rows({ imageId: ID, draft: true, deleted: true }, '/etc', 'name'),
        fsKeys.entry({ imageId: ID, draft: true, deleted: true }, '/etc/os-release'),
        contentKeys.page(ID, '/etc/os-release', 'draft', 0, 4096),
      ]
        .map(key)
        .sort(),
    );
  });

  it('starts a draft listing from the merged one when the draft has none yet', async () => {
    const client = cached();
    const merged = { imageId: ID, deleted: true };
    expect(client.getQueryData(fsKeys.rows({ ...merged, draft: true }, '/etc', 'name'))).toBeUndefined();
    await applyDraftState(client, ID, draft);
    expect(client.getQueryData(fsKeys.rows({ ...merged, draft: true }, '/etc', 'name'))).toEqual(client.getQueryData(fsKeys.rows(merged, '/etc', 'name')));
  });

  it('asks for the draft again when the edit replied without one', async () => {
    const client = cached();
    client.setQueryData(draftKeys.draft(ID), draft);
    await applyDraftState(client, ID, undefined);
    expect(client.getQueryState(draftKeys.draft(ID))?.isInvalidated).toBe(true);
    expect(client.getQueryState(draftKeys.draft(OTHER))).toBeUndefined();
  });
});
