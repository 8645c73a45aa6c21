import type { Readable } from 'node:stream';
import type { BlobStore } from '../store/blob-store.js';
import type { LayerEntry } from '../types.js';
import { normalizePath } from '../layer/normalize.js';
import type { FsNode, MergedFs } from './merge.js';

/**
 * The bytes of a file entry (or a range of them), read from the layer's uncompressed tar by
 * offset: the cost does not depend on where the file sits in the layer.
 */
export function openEntryContent(store: BlobStore, tarBlob: string, entry: LayerEntry, range?: { start: number; end?: number }): Readable {
  const start = Math.min(Math.max(0, range?.start ?? 0), entry.size);
  const end = Math.min(range?.end ?? entry.size, entry.size);
  return store.open(tarBlob, { start: entry.dataOffset + start, end: entry.dataOffset + Math.max(start, end) });
}

const MAX_LINK_HOPS = 40;

/**
 * Finds a path in the merged filesystem, following symlinks in every component the way the
 * kernel would inside a chroot at the image root: absolute targets start at the image root and
 * `..` never climbs above it. Returns null for a missing path or a link loop.
 */
export function resolvePath(fs: MergedFs, path: string): FsNode | null {
  let pending = normalizePath(path).path.split('/').filter(Boolean);
  let resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === '.') continue;
    if (name === '..') {
      resolved.pop();
      continue;
    }
    const candidate = [...resolved, name].join('/');
    const node = fs.get(candidate);
    if (!node) return null;
    if (node.entry.type === 'symlink' && node.entry.linkTarget !== null) {
      if (++hops > MAX_LINK_HOPS) return null;
      const target = node.entry.linkTarget;
      if (target.startsWith('/')) resolved = [];
      pending = [...target.split('/').filter(Boolean), ...pending];
      continue;
    }
    resolved.push(name);
  }
  return resolved.length === 0 ? null : fs.get(resolved.join('/')) ?? null;
}
