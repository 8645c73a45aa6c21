import type { BlobStore } from '../store/blob-store.js';
import type { DraftView } from '../draft/view.js';
import { LayerBuilder, type BuiltLayer, type OutputCompression } from './layer-builder.js';
import { contentItem, headerOf, type ExportSource } from './source.js';
import { TarPlan, type TarItem } from './tar-plan.js';

/**
 * The flat layer as a plan: every entry's header and where its bytes are (a range of a layer
 * tar or a draft blob, or a stream for sparse files), in an order that reads each layer tar
 * front to back:
 * 1. folders, symlinks, devices, fifos and the files the draft wrote, depth-first (parents
 *    before children, names in byte order), so every folder exists before anything lands in it
 *    (and an image built from a folder, `peel build`, is in plain walk order);
 * 2. files with bytes in the image, by (layer, offset): neighbouring entries of a layer tar share
 *    one large read, where path order would jump between layers and places in them;
 * 3. hard links, after the file they link to (the first path of each group, in walk order).
 */
export function planFlatLayer(view: DraftView, source: ExportSource, mtime?: number): TarPlan {
  const tree: TarItem[] = [];
  const stored: Array<{ item: TarItem; layer: number; offset: number }> = [];
  const links: TarItem[] = [];
  const linked = new Map<string, string>();
  const stack = [''];
  while (stack.length) {
    const dir = stack.pop()!;
    const kids = view.children(dir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const node of kids) {
      const header = headerOf(node, node.path, node.edited ? mtime : undefined);
      if (node.type === 'dir') subdirs.push(node.path);
      if (header.type !== 'file') {
        tree.push({ header });
        continue;
      }
      const from = node.source;
      const key = from.kind === 'image' ? `${from.layer}:${from.entry.headerOffset}` : null;
      const first = key ? linked.get(key) : undefined;
      if (first !== undefined) {
        links.push({ header: { ...header, type: 'hardlink', size: 0, linkName: first } });
        continue;
      }
      if (key) linked.set(key, node.path);
      const item = contentItem(source, node, header);
      if (from.kind === 'image') stored.push({ item, layer: from.layer, offset: from.entry.dataOffset });
      else tree.push(item);
    }
    // Depth-first, in order: push in reverse so the first subfolder is written next.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
  stored.sort((a, b) => a.layer - b.layer || a.offset - b.offset);
  return new TarPlan([...tree, ...stored.map((s) => s.item), ...links]);
}

/**
 * The whole edited filesystem as one layer (`FROM scratch` + `COPY . .`), in the order of
 * planFlatLayer; hard-link groups stay linked inside the layer. The plan reads file bytes in large coalesced positional reads (one file handle per layer
 * tar) and writes the layer in 1 MiB chunks: a per-file stream cost ~40 µs of open/read/close
 * round trips per file, most of a 100k-file flatten.
 */
export async function buildFlatLayer(view: DraftView, source: ExportSource, store: BlobStore, compression: OutputCompression, mtime?: number, signal?: AbortSignal): Promise<BuiltLayer> {
  const plan = planFlatLayer(view, source, mtime);
  const layer = new LayerBuilder(store, compression);
  try {
    await plan.write(store, { write: (chunk) => layer.write(chunk) }, { signal, consumes: layer.consumes });
    return await layer.finish(true);
  } catch (e) {
    await layer.abort();
    throw e;
  }
}
