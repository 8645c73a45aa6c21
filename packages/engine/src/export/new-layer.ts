import type { BlobStore } from '../store/blob-store.js';
import type { DraftView } from '../draft/view.js';
import type { DraftNode } from '../draft/types.js';
import { baseName, joinPath, parentOf } from '../layer/normalize.js';
import { LayerBuilder, type BuiltLayer, type OutputCompression } from './layer-builder.js';
import { comparePaths, type ExportSource } from './source.js';
import { writeNode } from './write-node.js';

/**
 * The one layer that carries a draft's changes on top of the image (append mode, and the
 * rewrite mode's last layer). Written so every loader agrees on it:
 * - a deleted path becomes `.wh.<name>` (never alongside the same path in this layer);
 * - a folder deleted and made again becomes the folder plus `.wh..wh..opq`, not `.wh.dir` then `dir/`;
 * - parents of changed paths are written with their current attributes (as `docker commit` does);
 * - no hard link points outside this layer (edited links are written as copies).
 * Returns null when the draft changes no file (a config-only edit adds no layer).
 */
export async function buildChangesLayer(view: DraftView, source: ExportSource, store: BlobStore, compression: OutputCompression, options: { whiteouts: boolean; mtime?: number }): Promise<BuiltLayer | null> {
  const written = new Map<string, DraftNode | 'whiteout'>();
  for (const change of view.changes()) {
    if (change.kind === 'deleted') {
      if (options.whiteouts && !change.purgeOnly) written.set(change.path, 'whiteout');
      continue;
    }
    const node = view.get(change.path);
    if (!node) continue;
    // Every path the draft made is an override, so its changes list already holds whole new trees.
    written.set(change.path, node);
  }
  if (written.size === 0) return null;
  for (const path of [...written.keys()]) {
    for (let p = parentOf(path); p !== ''; p = parentOf(p)) {
      if (written.has(p)) continue;
      const parent = view.get(p);
      if (parent) written.set(p, parent);
    }
  }
  const layer = new LayerBuilder(store, compression);
  try {
    for (const path of [...written.keys()].sort(comparePaths)) {
      const item = written.get(path)!;
      if (item === 'whiteout') {
        await layer.tar.add({ name: joinPath(parentOf(path), `.wh.${baseName(path)}`), type: 'file', mode: 0, uid: 0, gid: 0, size: 0, mtime: options.mtime ?? 0 }, Buffer.alloc(0));
        continue;
      }
      await writeNode(layer.tar, store, source, item, null, item.edited ? options.mtime : undefined);
      if (item.type === 'dir' && item.edited && view.isHidden(joinPath(path, '_'))) {
        await layer.tar.add({ name: joinPath(path, '.wh..wh..opq'), type: 'file', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: options.mtime ?? 0 }, Buffer.alloc(0));
      }
    }
    return await layer.finish();
  } catch (e) {
    await layer.abort();
    throw e;
  }
}
