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
}

/** `GET /api/images/:id/fs?path=&layer=&deleted=`: the entries of one directory. */
export function getDir(scope: FsScope, path: string): Promise<FsEntry[]> {
  const url = apiUrl(`/api/images/${encodeURIComponent(scope.imageId)}/fs`, {
    path,
    layer: scope.layer,
    deleted: scope.layer === undefined && scope.deleted === true,
  });
  return apiJson<FsEntry[]>(url);
}

export const dirQueryOptions = (scope: FsScope, path: string) =>
  queryOptions({
    queryKey: ['fs', scope.imageId, scope.layer ?? 'merged', scope.layer === undefined && !!scope.deleted, path],
    queryFn: () => getDir(scope, path),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

export function useDir(scope: FsScope, path: string, enabled = true) {
  return useQuery({ ...dirQueryOptions(scope, path), enabled });
}
