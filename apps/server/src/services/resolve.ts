import { decodePath } from '../store/path-codec.js';
import type { FsRepo, NodeRow } from '../store/fs-repo.js';

const MAX_LINK_HOPS = 40;

export interface Resolved {
  /** The real path of the node, symlinks followed ('' for the root). */
  path: string;
  /** null for the root, which has no row. */
  node: NodeRow | null;
}

/**
 * Finds a path in an image's merged filesystem, following symlinks in every component the way
 * the kernel would inside a chroot at the image root: absolute targets restart at the image
 * root and `..` never climbs above it. The host filesystem is never consulted. With
 * `followLast: false` a final symlink is returned itself. Returns null for a missing path or a
 * link loop.
 */
export function resolveInImage(fs: FsRepo, image: number, path: string, followLast = true): Resolved | null {
  let pending = path.split('/').filter((p) => p !== '' && p !== '.');
  let resolved: string[] = [];
  let node: NodeRow | null = null;
  let hops = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === '..') {
      resolved.pop();
      node = null;
      continue;
    }
    const candidate = [...resolved, name].join('/');
    const found = fs.node(image, candidate);
    if (!found) return null;
    const isLast = pending.length === 0;
    if (found.type === 'symlink' && found.link_target !== null && (!isLast || followLast)) {
      if (++hops > MAX_LINK_HOPS) return null;
      const target = decodePath(found.link_target);
      if (target.startsWith('/')) resolved = [];
      pending = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
      node = null;
      continue;
    }
    if (!isLast && found.type !== 'dir') return null;
    resolved.push(name);
    node = found;
  }
  const real = resolved.join('/');
  if (real === '') return { path: '', node: null };
  return { path: real, node: node ?? fs.node(image, real) ?? null };
}
