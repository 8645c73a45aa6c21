import { resolveLinks, type LayerEntryType } from '@peel/engine';
import { decodeName } from '@peel/engine';
import type { FsRepo, NodeRow } from '../store/fs-repo.js';

export interface Resolved {
  /** The real path of the node, symlinks followed ('' for the root). */
  path: string;
  /** null for the root, which has no row. */
  node: NodeRow | null;
}

/**
 * Finds a path in an image's stored merged filesystem with the engine's resolver. With
 * `followLast: false` a final symlink is returned itself. Returns null for a missing path or a
 * link loop.
 */
export function resolveInImage(fs: FsRepo, image: number, path: string, followLast = true): Resolved | null {
  // The row of the last component looked up is usually the answer: keep it rather than read it twice.
  let last: { path: string; row: NodeRow } | null = null;
  const r = resolveLinks(path, (p) => {
    const row = fs.node(image, p);
    if (!row) return null;
    last = { path: p, row };
    return { type: row.type as LayerEntryType, linkTarget: row.link_target === null ? null : decodeName(row.link_target) };
  }, { followLast });
  if (!r.found) return null;
  if (r.path === '') return { path: '', node: null };
  const hit = last as { path: string; row: NodeRow } | null;
  return { path: r.path, node: hit && hit.path === r.path ? hit.row : fs.node(image, r.path) ?? null };
}
