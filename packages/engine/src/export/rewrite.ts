import type { BlobStore } from '../store/blob-store.js';
import type { LayerEntry } from '../types.js';
import { openEntryContent } from '../fs/content.js';
import { LayerBuilder, type BuiltLayer, type OutputCompression } from './layer-builder.js';
import type { ExportSource } from './source.js';

const BLOCK = 512;
const pad = (n: number) => Math.ceil(n / BLOCK) * BLOCK;

/** Paths to strip from every layer: whole trees for deletions, exact paths for replaced files. */
export interface Purge {
  trees: string[];
  exact: Set<string>;
}

export function isPurged(path: string, purge: Purge): boolean {
  if (purge.exact.has(path)) return true;
  return purge.trees.some((t) => path === t || path.startsWith(`${t}/`) || t === '');
}

/**
 * One original layer without the purged paths. A layer that holds none of them is kept as it
 * is (same blob, same digest) unless it is zstd, which no export writes. Kept entries are copied
 * byte for byte from the layer's tar (header blocks and data by offset), so nothing else about
 * them changes; a kept hard link whose target is purged becomes a copy of the target's bytes.
 */
export async function rewriteLayer(source: ExportSource, index: number, purge: Purge, store: BlobStore): Promise<BuiltLayer | 'unchanged'> {
  const info = source.image.layers[index];
  const entries = source.layers[index];
  const touched = entries.some((e) => isPurged(e.path, purge));
  if (!touched && info.compression !== 'zstd') return 'unchanged';
  const compression: OutputCompression = info.compression === 'none' ? 'none' : 'gzip';
  const layer = new LayerBuilder(store, compression);
  try {
    for (const e of entries) {
      if (isPurged(e.path, purge)) continue;
      if (e.type === 'hardlink' && e.linkTarget !== null && isPurged(e.linkTarget, purge)) {
        const target = findTarget(source, index, e);
        if (target) {
          await layer.tar.add(
            { name: e.path, type: 'file', mode: e.mode, uid: e.uid, gid: e.gid, uname: e.uname, gname: e.gname, size: target.entry.size, mtime: e.mtime },
            openEntryContent(store, source.image.layers[target.layer].tarBlob, target.entry),
          );
          continue;
        }
      }
      await copyRaw(layer, store, info.tarBlob, e.headerOffset, e.dataOffset + pad(e.type === 'file' ? e.size : 0));
    }
    return await layer.finish();
  } catch (e) {
    await layer.abort();
    throw e;
  }
}

async function copyRaw(layer: LayerBuilder, store: BlobStore, tarBlob: string, start: number, end: number): Promise<void> {
  if (end <= start) return;
  for await (const chunk of store.open(tarBlob, { start, end })) await layer.write(chunk as Buffer);
}

/** The file a hard link points at: earlier in its own layer, else the newest lower layer's copy. */
function findTarget(source: ExportSource, index: number, link: LayerEntry): { layer: number; entry: LayerEntry } | null {
  for (let l = index; l >= 0; l--) {
    const list = source.layers[l];
    const limit = l === index ? list.indexOf(link) : list.length;
    for (let i = limit - 1; i >= 0; i--) {
      const e = list[i];
      if (e.path === link.linkTarget && e.type === 'file') return { layer: l, entry: e };
    }
  }
  return null;
}
