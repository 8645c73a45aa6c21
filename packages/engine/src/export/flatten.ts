import type { BlobStore } from '../store/blob-store.js';
import type { DraftView } from '../draft/view.js';
import { LayerBuilder, type BuiltLayer, type OutputCompression } from './layer-builder.js';
import { writeNode } from './write-node.js';
import type { DraftNode } from '../draft/types.js';
import { contentItem, headerOf, type ExportSource } from './source.js';
import { TarPlan, type TarItem } from './tar-plan.js';

/**
 * The same layer as buildFlatLayer, as a plan (headers and where each file's bytes are), so it
 * can be hashed in one pass and streamed in a second without being stored. Not used by export
 * yet: on the loaded 2-core bench machine it measured slower than buildFlatLayer (see the export
 * helper's report: the collector runs full collections over a large heap under the read churn).
 */
export function planFlatLayer(view: DraftView, source: ExportSource, mtime?: number): TarPlan {
  const items: TarItem[] = [];
  const linked = new Map<string, string>();
  const stack = [''];
  while (stack.length) {
    const dir = stack.pop()!;
    const kids = view.children(dir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const node of kids) {
      items.push(flatItem(source, node, linked, node.edited ? mtime : undefined));
      if (node.type === 'dir') subdirs.push(node.path);
    }
    // Depth-first, in order: push in reverse so the first subfolder is written next.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
  return new TarPlan(items);
}

/** A hard link is written as a link only when its content is already in this layer, else as a copy. */
function flatItem(source: ExportSource, node: DraftNode, linked: Map<string, string>, mtime?: number): TarItem {
  const header = headerOf(node, node.path, mtime);
  if (header.type !== 'file') return { header };
  const key = node.source.kind === 'image' ? `${node.source.layer}:${node.source.entry.headerOffset}` : null;
  const first = key ? linked.get(key) : undefined;
  if (first !== undefined) return { header: { ...header, type: 'hardlink', size: 0, linkName: first } };
  if (key) linked.set(key, node.path);
  return contentItem(source, node, header);
}

/**
 * The whole edited filesystem as one layer (`FROM scratch` + `COPY . .`): a depth-first walk,
 * parents before children, names in byte order; hard-link groups stay linked inside the layer.
 */
export async function buildFlatLayer(view: DraftView, source: ExportSource, store: BlobStore, compression: OutputCompression, mtime?: number): Promise<BuiltLayer> {
  const layer = new LayerBuilder(store, compression);
  const linked = new Map<string, string>();
  try {
    const stack = [''];
    while (stack.length) {
      const dir = stack.pop()!;
      const kids = view.children(dir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const subdirs: string[] = [];
      for (const node of kids) {
        await writeNode(layer.tar, store, source, node, linked, node.edited ? mtime : undefined);
        if (node.type === 'dir') subdirs.push(node.path);
      }
      // Depth-first, in order: push in reverse so the first subfolder is written next.
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
    }
    return await layer.finish();
  } catch (e) {
    await layer.abort();
    throw e;
  }
}
