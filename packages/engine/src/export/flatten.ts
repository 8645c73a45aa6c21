import type { BlobStore } from '../store/blob-store.js';
import type { DraftView } from '../draft/view.js';
import { LayerBuilder, type BuiltLayer, type OutputCompression } from './layer-builder.js';
import type { ExportSource } from './source.js';
import { writeNode } from './write-node.js';

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
