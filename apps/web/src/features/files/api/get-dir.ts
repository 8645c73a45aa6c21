import { queryOptions, useQuery } from '@tanstack/react-query';
import type { FsEntry } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';

/** Which filesystem a tree shows: the merged one (optionally with what is gone) or one layer's own. */
export interface FsScope {
  imageId: string;
  /** A layer's own tree; undefined for the merged filesystem. */
  layer?: number;
  /** Merged view only: also list deleted and overwritten entries. */
  deleted?: boolean;
  /** Merged view only: the filesystem with the image's draft applied (edited entries marked;
   *  with `deleted`, what the draft deleted is listed too). */
  draft?: boolean;
}

/** Which tree of an image a scope names, as query key parts (draft listings share a prefix). */
function treeKey(scope: FsScope): Array<string | number | boolean> {
  if (scope.layer !== undefined) return [scope.layer];
  return [scope.draft ? 'draft' : 'merged', !!scope.deleted];
}

/** `GET /api/images/:id/fs?path=&layer=&deleted=&draft=`: the entries of one directory. */
export function getDir(scope: FsScope, path: string): Promise<FsEntry[]> {
  const url = apiUrl(`/api/images/${encodeURIComponent(scope.imageId)}/fs`, {
    path,
    layer: scope.layer,
    deleted: scope.layer === undefined && scope.deleted === true,
    draft: scope.layer === undefined && scope.draft === true,
  });
  return apiJson<FsEntry[]>(url);
}

export const dirQueryOptions = (scope: FsScope, path: string) =>
  queryOptions({
    queryKey: ['fs', scope.imageId, ...treeKey(scope), path],
    queryFn: () => getDir(scope, path),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

/**
 * One directory listing. When the same directory is asked for in another view of the image (the
 * draft view appears after the first edit), the last listing stays on screen until the new one
 * arrives, so what shows it (an open editor) is not torn down.
 */
export function useDir(scope: FsScope, path: string, enabled = true) {
  return useQuery({
    ...dirQueryOptions(scope, path),
    enabled,
    placeholderData: (previous, query) => (query && query.queryKey[1] === scope.imageId && query.queryKey.at(-1) === path ? previous : undefined),
  });
}
