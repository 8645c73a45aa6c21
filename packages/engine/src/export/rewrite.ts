import type { BlobStore } from '../store/blob-store.js';
import type { LayerEntry } from '../types.js';
import { openEntryContent } from '../fs/content.js';
import type { TarWriteHeader } from '../tar/header-encode.js';
import { LayerBuilder, type BuiltLayer, type OutputCompression } from './layer-builder.js';
import { isSparse, type ExportSource } from './source.js';
import { TarPlan, type TarItem } from './tar-plan.js';

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
export async function rewriteLayer(source: ExportSource, index: number, purge: Purge, store: BlobStore, signal?: AbortSignal): Promise<BuiltLayer | 'unchanged'> {
  const info = source.image.layers[index];
  const entries = source.layers[index];
  const touched = entries.some((e) => isPurged(e.path, purge));
  if (!touched && info.compression !== 'zstd') return 'unchanged';
  const compression: OutputCompression = info.compression === 'none' ? 'none' : 'gzip';
  const items: TarItem[] = [];
  for (const e of entries) {
    if (isPurged(e.path, purge)) continue;
    if (e.type === 'hardlink' && e.linkTarget !== null && isPurged(e.linkTarget, purge)) {
      const target = findTarget(source, index, e);
      if (target) {
        const header: TarWriteHeader = { name: e.path, type: 'file', mode: e.mode, uid: e.uid, gid: e.gid, uname: e.uname, gname: e.gname, size: target.entry.size, mtime: e.mtime };
        items.push(entryItem(source.image.layers[target.layer].tarBlob, target.entry, header));
        continue;
      }
    }
    if (e.type === 'file' && isSparse(e)) {
      // A sparse entry's stored bytes are its map and data only: written expanded, holes as zeros.
      const header: TarWriteHeader = { name: e.path, type: 'file', mode: e.mode, uid: e.uid, gid: e.gid, uname: e.uname, gname: e.gname, size: e.size, mtime: e.mtime, devMajor: e.devMajor, devMinor: e.devMinor, xattrs: xattrsOf(e) };
      items.push(entryItem(info.tarBlob, e, header));
      continue;
    }
    const end = e.dataOffset + pad(e.type === 'file' ? e.size : 0);
    if (end <= e.headerOffset) continue;
    // Neighbouring kept entries are one verbatim run of the tar.
    const last = items.at(-1);
    if (last && !last.header && last.range?.blob === info.tarBlob && last.range.end === e.headerOffset) last.range.end = end;
    else items.push({ range: { blob: info.tarBlob, start: e.headerOffset, end } });
  }
  const layer = new LayerBuilder(store, compression);
  try {
    // Kept entries are neighbours in the tar: the plan reads them in a few large reads.
    await new TarPlan(items).write(store, { write: (c) => layer.write(c) }, { signal, consumes: layer.consumes });
    return await layer.finish(true);
  } catch (e) {
    await layer.abort();
    throw e;
  }
}

/** An entry whose bytes are those of `entry` in `tarBlob` (expanded when it is sparse). */
function entryItem(tarBlob: string, entry: LayerEntry, header: TarWriteHeader): TarItem {
  if (header.size === 0) return { header };
  if (isSparse(entry)) return { header, stream: (store) => openEntryContent(store, tarBlob, entry) };
  return { header, range: { blob: tarBlob, start: entry.dataOffset, end: entry.dataOffset + entry.size } };
}

function xattrsOf(e: LayerEntry): Record<string, Buffer> | undefined {
  return e.xattrs ? Object.fromEntries(Object.entries(e.xattrs).map(([k, v]) => [k, Buffer.from(v, 'base64')])) : undefined;
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
