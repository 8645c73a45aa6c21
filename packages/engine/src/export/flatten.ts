import type { BlobStore } from '../store/blob-store.js';
import type { DraftView } from '../draft/view.js';
import { LayerBuilder, type BuiltLayer, type OutputCompression } from './layer-builder.js';
import { contentItem, contentKey, headerOf, type ExportSource, type LoadingFsLookup, type MergedBase } from './source.js';
import { TarPlan, type LayerTar, type TarItem } from './tar-plan.js';

/** Entries of the walk planned at a time: what one window of the flat layer holds in memory. */
const WINDOW = 16_384;

/**
 * The flat layer, planned a window of the walk at a time so that an image of millions of entries
 * is never planned whole. The walk is depth-first (parents before children, names in byte order),
 * so every folder exists before anything lands in it (and an image built from a folder, `peel
 * build`, is in plain walk order). Each window holds:
 * 1. its folders, symlinks, devices, fifos and the files the draft wrote, in walk order;
 * 2. its files with bytes in the image, by (layer, offset): neighbouring entries of a layer tar
 *    share one large read, where path order would jump between layers and places in them.
 * Hard links come last, after the file they link to (the first path of each group in walk order):
 * only the content hard links share is remembered, not every file's.
 */
export function planFlatLayer(view: DraftView, source: ExportSource, base: MergedBase, mtime?: number, window = WINDOW): LayerTar {
  // Read once: an uncompressed flatten is written twice (hashed, then streamed).
  let linked: Promise<Set<string>> | null = null;
  return {
    async write(store, sink, options = {}) {
      let total = 0;
      const linkKeys = await (linked ??= base.linkedContent().then((refs) => new Set(refs.map((c) => contentKey(c.layer, c.entry)))));
      const links: TarItem[] = [];
      for await (const items of flatWindows(view, source, base.lookup, linkKeys, links, mtime, window)) {
        total += await new TarPlan(items, false).write(store, sink, options);
      }
      return total + (await new TarPlan(links).write(store, sink, options));
    },
  };
}

async function* flatWindows(view: DraftView, source: ExportSource, lookup: LoadingFsLookup, linkKeys: ReadonlySet<string>, links: TarItem[], mtime: number | undefined, window: number): AsyncIterable<TarItem[]> {
  let tree: TarItem[] = [];
  let stored: Array<{ item: TarItem; layer: number; offset: number }> = [];
  const linked = new Map<string, string>();
  const stack = [''];
  while (stack.length) {
    const dir = stack.pop()!;
    const kids = (await lookup.settle(() => view.children(dir))).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const listed = view.listedFrom(dir);
    if (listed !== null) lookup.release(listed);
    const subdirs: string[] = [];
    for (const node of kids) {
      const header = headerOf(node, node.path, node.edited ? mtime : undefined);
      if (node.type === 'dir') subdirs.push(node.path);
      if (header.type !== 'file') {
        tree.push({ header });
        continue;
      }
      const from = node.source;
      const key = from.kind === 'image' ? contentKey(from.layer, from.entry) : null;
      if (key !== null && linkKeys.has(key)) {
        const first = linked.get(key);
        if (first !== undefined) {
          links.push({ header: { ...header, type: 'hardlink', size: 0, linkName: first } });
          continue;
        }
        linked.set(key, node.path);
      }
      const item = contentItem(source, node, header);
      if (from.kind === 'image') stored.push({ item, layer: from.layer, offset: from.entry.dataOffset });
      else tree.push(item);
    }
    // Depth-first, in order: push in reverse so the first subfolder is written next.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
    if (tree.length + stored.length >= window) {
      yield windowItems(tree, stored);
      tree = [];
      stored = [];
    }
  }
  yield windowItems(tree, stored);
}

function windowItems(tree: TarItem[], stored: Array<{ item: TarItem; layer: number; offset: number }>): TarItem[] {
  stored.sort((a, b) => a.layer - b.layer || a.offset - b.offset);
  return [...tree, ...stored.map((s) => s.item)];
}

/**
 * The whole edited filesystem as one layer (`FROM scratch` + `COPY . .`), in the order of
 * planFlatLayer; hard-link groups stay linked inside the layer. The plan reads file bytes in
 * large coalesced positional reads (one file handle per layer tar) and writes the layer in 1 MiB
 * chunks: a per-file stream cost ~40 µs of open/read/close round trips per file, most of a
 * 100k-file flatten.
 */
export async function buildFlatLayer(plan: LayerTar, store: BlobStore, compression: OutputCompression, signal?: AbortSignal): Promise<BuiltLayer> {
  const layer = new LayerBuilder(store, compression);
  try {
    await plan.write(store, { write: (chunk) => layer.write(chunk) }, { signal, consumes: layer.consumes });
    return await layer.finish(true);
  } catch (e) {
    await layer.abort();
    throw e;
  }
}
