/**
 * The filesystem `ls` and `cat` look at: the merged one (what a container sees), or one layer's
 * own entries (`--layer N`, as the layer tar holds them, whiteouts kept aside).
 */
import { mergeLayers, resolvePath, type FsNode, type LayerEntry, type MergedFs } from '@peel/engine';
import { InputError, UsageError } from '../exit-codes.js';
import type { OpenedImage } from '../image-source.js';

type ContentRef = NonNullable<FsNode['content']>;

export interface FsView {
  fs: MergedFs;
  /** The layer shown, or null for the merged view. */
  layer: number | null;
  /** Where a file's bytes are: the layer's tar blob and the entry (offsets into it). */
  content(node: FsNode): { tarBlob: string; entry: LayerEntry } | null;
  /** The layer a node came from, as numbered in the image. */
  layerOf(node: FsNode): number;
  /** Whiteout and opaque markers of the shown layer (empty for the merged view). */
  markers: LayerEntry[];
}

export function openView(img: OpenedImage, layerFlag: string | undefined): FsView {
  if (layerFlag === undefined) {
    const fs = img.merged();
    return {
      fs,
      layer: null,
      layerOf: (n) => n.layer,
      content: (n) => refOf(img, n.content, null),
      markers: [],
    };
  }
  const layer = parseLayer(layerFlag, img.layers.length);
  const entries = img.layers[layer];
  const fs = mergeLayers([entries]);
  return {
    fs,
    layer,
    layerOf: () => layer,
    content: (n) => {
      if (n.content) return refOf(img, n.content, layer);
      // A hard link to a file of a lower layer: its bytes are where the full stack puts them.
      if (n.entry.type === 'hardlink') return refOf(img, mergeLayers(img.layers.slice(0, layer + 1)).get(n.path)?.content ?? null, null);
      return null;
    },
    markers: entries.filter((e) => e.type === 'whiteout' || e.type === 'opaque'),
  };
}

function refOf(img: OpenedImage, ref: ContentRef | null, fixedLayer: number | null): { tarBlob: string; entry: LayerEntry } | null {
  if (!ref) return null;
  return { tarBlob: img.image.layers[fixedLayer ?? ref.layer].tarBlob, entry: ref.entry };
}

/** `--layer N`: 0 is the base layer; negative counts from the top (-1 is the last). */
export function parseLayer(flag: string, count: number): number {
  if (!/^-?\d+$/.test(flag)) throw new UsageError(`--layer takes a layer number, got ${JSON.stringify(flag)}`);
  const n = Number(flag);
  const index = n < 0 ? count + n : n;
  if (index < 0 || index >= count) throw new InputError(`no layer ${flag}: the image has ${count} layer${count === 1 ? '' : 's'} (0..${count - 1})`);
  return index;
}

/** `/usr//bin/` → `usr/bin`; the root is ''. */
export function cleanPath(p: string): string {
  return p.split('/').filter((s) => s !== '' && s !== '.').join('/');
}

/**
 * Finds PATH the way `ls` does: symlinks in the parent components are followed; the last
 * component is followed only when it leads to a directory (so `ls /bin` lists a linked folder).
 */
export function lookup(fs: MergedFs, path: string): { node: FsNode; listed: FsNode | null } | null {
  const p = cleanPath(path);
  if (p === '') return null;
  const slash = p.lastIndexOf('/');
  const parent = slash < 0 ? null : resolvePath(fs, p.slice(0, slash));
  if (slash >= 0 && (!parent || parent.entry.type !== 'dir')) return null;
  const name = p.slice(slash + 1);
  const node = fs.get(parent ? `${parent.path}/${name}` : name);
  if (!node) return null;
  if (node.entry.type === 'dir') return { node, listed: node };
  if (node.entry.type === 'symlink') {
    const target = resolvePath(fs, p);
    return { node, listed: target?.entry.type === 'dir' ? target : null };
  }
  return { node, listed: null };
}
