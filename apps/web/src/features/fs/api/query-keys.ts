import type { ListingSort } from '@peel/api';
import { parentPath } from '../../../lib/paths.js';
import type { FsScope } from './get-dir.js';

/** Which tree of an image a scope names, as key parts (the draft's listings share a prefix). */
function treeKey(scope: FsScope): Array<string | number | boolean> {
  if (scope.openJob) return ['open', scope.layer ?? 0];
  if (scope.layer !== undefined) return [scope.layer];
  if (scope.asOf !== undefined) return ['asOf', scope.asOf, !!scope.deleted];
  return [scope.draft ? 'draft' : 'merged', !!scope.deleted];
}

/**
 * Query keys of an image's filesystem listings. A key starts with the image and the tree it
 * lists, so `merged(id)` and `draft(id)` cover every listing and entry of that tree.
 */
export const fsKeys = {
  /** Every listing of the image's merged filesystem (with and without what is gone). */
  merged: (imageId: string) => ['fs', imageId, 'merged'] as const,
  /** Every listing of the image's filesystem with its draft applied. */
  draft: (imageId: string) => ['fs', imageId, 'draft'] as const,
  /** The same listing as `mergedKey` (a key under `merged(id)`), in the draft's tree. */
  draftTwin: (mergedKey: readonly unknown[]) => ['fs', mergedKey[1], 'draft', ...mergedKey.slice(3)],
  /** A folder's rows in one order. */
  rows: (scope: FsScope, path: string, sort: ListingSort) => ['fs', scope.imageId, ...treeKey(scope), path, 'rows', sort],
  /** The entries at one path (kept under its folder, so the folder's key covers them). */
  entry: (scope: FsScope, path: string) => ['fs', scope.imageId, ...treeKey(scope), parentPath(path), 'entry', path],
};
