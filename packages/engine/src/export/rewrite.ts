import type { BlobStore } from '../store/blob-store.js';
import type { LayerEntry } from '../types.js';
import { openEntryContent } from '../fs/content.js';
import type { TarWriteHeader } from '../tar/header-encode.js';
import { LayerBuilder, type BuiltLayer, type OutputCompression } from './layer-builder.js';
import { isSparse, layerEntries, type ExportSource } from './source.js';
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

/** Tar items planned at a time: a layer's kept entries are mostly a few long runs, but need not be. */
const WINDOW = 16_384;

/**
 * One original layer without the purged paths. A layer that holds none of them is kept as it
 * is (same blob, same digest) unless it is zstd, which no export writes. Kept entries are copied
 * byte for byte from the layer's tar (header blocks and data by offset), so nothing else about
 * them changes; a kept hard link whose target is purged becomes a copy of the target's bytes.
 * The layer's entries are read as they stream, twice (what it holds, then what it keeps).
 */
export async function rewriteLayer(source: ExportSource, index: number, purge: Purge, store: BlobStore, signal?: AbortSignal): Promise<BuiltLayer | 'unchanged'> {
  const info = source.image.layers[index];
  let touched = false;
  /** Paths kept hard links point at that the purge takes away: their bytes are copied instead. */
  const orphaned = new Set<string>();
  for await (const e of layerEntries(source, index)) {
    if (isPurged(e.path, purge)) touched = true;
    else if (e.type === 'hardlink' && e.linkTarget !== null && isPurged(e.linkTarget, purge)) orphaned.add(e.linkTarget);
  }
  if (!touched && info.compression !== 'zstd') return 'unchanged';
  const compression: OutputCompression = info.compression === 'none' ? 'none' : 'gzip';
  const lower = orphaned.size ? await lowerFiles(source, index, orphaned) : new Map<string, Located>();
  /** The last file this layer wrote so far at each orphaned path (a link targets an earlier entry). */
  const own = new Map<string, LayerEntry>();
  const layer = new LayerBuilder(store, compression);
  try {
    const sink = { write: (c: Buffer) => layer.write(c) };
    const options = { signal, consumes: layer.consumes };
    let items: TarItem[] = [];
    for await (const e of layerEntries(source, index)) {
      if (items.length >= WINDOW) {
        // Kept entries are neighbours in the tar: the plan reads them in a few large reads.
        await new TarPlan(items, false).write(store, sink, options);
        items = [];
      }
      // Orphaned paths are purged ones: seen before they are skipped.
      if (e.type === 'file' && orphaned.has(e.path)) own.set(e.path, e);
      if (isPurged(e.path, purge)) continue;
      if (e.type === 'hardlink' && e.linkTarget !== null && isPurged(e.linkTarget, purge)) {
        const ownTarget = own.get(e.linkTarget);
        const target = ownTarget ? { layer: index, entry: ownTarget } : lower.get(e.linkTarget);
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
    await new TarPlan(items).write(store, sink, options);
    return await layer.finish(true);
  } catch (e) {
    await layer.abort();
    throw e;
  }
}

interface Located {
  layer: number;
  entry: LayerEntry;
}

/** For each path, the file the newest layer below `index` that has one wrote there last. */
async function lowerFiles(source: ExportSource, index: number, paths: ReadonlySet<string>): Promise<Map<string, Located>> {
  const found = new Map<string, Located>();
  for (let l = index - 1; l >= 0 && found.size < paths.size; l--) {
    const here = new Map<string, LayerEntry>();
    for await (const e of layerEntries(source, l)) if (e.type === 'file' && paths.has(e.path) && !found.has(e.path)) here.set(e.path, e);
    for (const [path, entry] of here) found.set(path, { layer: l, entry });
  }
  return found;
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
