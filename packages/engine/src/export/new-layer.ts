import type { BlobStore } from '../store/blob-store.js';
import type { DraftView } from '../draft/view.js';
import type { DraftNode } from '../draft/types.js';
import { baseName, joinPath, parentOf } from '../layer/normalize.js';
import { LayerBuilder, type BuiltLayer, type OutputCompression } from './layer-builder.js';
import { comparePaths, contentItem, headerOf, type ExportSource, type LoadingFsLookup } from './source.js';
import { TarPlan, type TarItem } from './tar-plan.js';
import type { TarWriteHeader } from '../tar/header-encode.js';

/**
 * The one layer that carries a draft's changes on top of the image (append mode, and the
 * rewrite mode's last layer). Written so every loader agrees on it:
 * - a deleted path becomes `.wh.<name>` (never alongside the same path in this layer);
 * - a folder deleted and made again becomes the folder plus `.wh..wh..opq`, not `.wh.dir` then `dir/`;
 * - parents of changed paths are written with their current attributes (as `docker commit` does);
 * - no hard link points outside this layer (every file is written with its bytes).
 * Returns null when the draft changes no file (a config-only edit adds no layer).
 */
export async function buildChangesLayer(view: DraftView, lookup: LoadingFsLookup, source: ExportSource, store: BlobStore, compression: OutputCompression, options: { whiteouts: boolean; mtime?: number; signal?: AbortSignal }): Promise<BuiltLayer | null> {
  const items = await lookup.settle(() => planChangesLayer(view, source, options));
  if (items === null) return null;
  const layer = new LayerBuilder(store, compression);
  try {
    await new TarPlan(items).write(store, { write: (chunk) => layer.write(chunk) }, { signal: options.signal, consumes: layer.consumes });
    return await layer.finish(true);
  } catch (e) {
    await layer.abort();
    throw e;
  }
}

/** The changes layer's entries, in order (null: nothing to write). Asks the view synchronously. */
function planChangesLayer(view: DraftView, source: ExportSource, options: { whiteouts: boolean; mtime?: number }): TarItem[] | null {
  const written = new Map<string, DraftNode | 'whiteout'>();
  for (const change of view.changes()) {
    if (change.kind === 'deleted') {
      if (options.whiteouts && !change.purgeOnly && !change.moved) written.set(change.path, 'whiteout');
      continue;
    }
    const node = view.get(change.path);
    if (!node) continue;
    written.set(change.path, node);
    // A moved folder is one change: what it holds is written from the view, all of it new here.
    if (change.tree) {
      const stack = [change.path];
      while (stack.length) {
        for (const c of view.children(stack.pop()!)) {
          written.set(c.path, c);
          if (c.type === 'dir') stack.push(c.path);
        }
      }
    }
  }
  if (written.size === 0) return null;
  for (const path of [...written.keys()]) {
    for (let p = parentOf(path); p !== ''; p = parentOf(p)) {
      if (written.has(p)) continue;
      const parent = view.get(p);
      if (parent) written.set(p, parent);
    }
  }
  // One plan for the whole layer: file bytes come in large positional reads of the layer tars
  // (a moved folder of 100,000 files is 100,000 small reads otherwise).
  const items: TarItem[] = [];
  for (const path of [...written.keys()].sort(comparePaths)) {
    const item = written.get(path)!;
    if (item === 'whiteout') {
      items.push({ header: marker(joinPath(parentOf(path), `.wh.${baseName(path)}`), 0, options.mtime) });
      continue;
    }
    // Never a hard link: its target may be in another layer. Copies keep the bytes.
    const header = headerOf(item, item.path, item.edited ? options.mtime : undefined);
    items.push(header.type === 'file' ? contentItem(source, item, header) : { header });
    if (item.type === 'dir' && item.edited && view.isHidden(joinPath(path, '_'))) items.push({ header: marker(joinPath(path, '.wh..wh..opq'), 0o755, options.mtime) });
  }
  return items;
}

/** A whiteout or opaque marker: an empty file whose name is the message. */
function marker(name: string, mode: number, mtime = 0): TarWriteHeader {
  return { name, type: 'file', mode, uid: 0, gid: 0, size: 0, mtime };
}
