import { resolveLinks } from '@peel/engine';
import type { FsNodeRecord, ImageId, Store } from '../store/index.js';

export interface Resolved {
  /** The real path of the node, symlinks followed ('' for the root). */
  path: string;
  /** null for the root, which has no row. */
  node: FsNodeRecord | null;
}

/**
 * Finds a path in an image's stored merged filesystem with the engine's resolver. With
 * `followLast: false` a final symlink is returned itself. Returns null for a missing path or a
 * link loop. The resolver asks synchronously: each path it asks that is not fetched yet is
 * fetched, and the resolution starts again (a path has few components; each is fetched once).
 */
export async function resolveInImage(store: Store, image: ImageId, path: string, followLast = true): Promise<Resolved | null> {
  const rows = new Map<string, FsNodeRecord | undefined>();
  for (;;) {
    let missing: string | null = null;
    const r = resolveLinks(path, (p) => {
      if (!rows.has(p)) {
        missing = p;
        // Stop here: nothing further can be decided without this row.
        return null;
      }
      const row = rows.get(p);
      return row ? { type: row.type, linkTarget: row.linkTarget } : null;
    }, { followLast });
    if (missing !== null) {
      rows.set(missing, await store.fs.node(image, missing));
      continue;
    }
    if (!r.found) return null;
    if (r.path === '') return { path: '', node: null };
    if (!rows.has(r.path)) rows.set(r.path, await store.fs.node(image, r.path));
    return { path: r.path, node: rows.get(r.path) ?? null };
  }
}
