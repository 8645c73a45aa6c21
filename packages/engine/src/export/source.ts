import type { Compression, LayerEntry, Platform } from '../types.js';
import { openEntryContent } from '../fs/content.js';
import type { DraftNode } from '../draft/types.js';
import type { FsLookup } from '../draft/view.js';
import { mergeLayers, type ContentRef } from '../fs/merge.js';
import type { TarWriteHeader } from '../tar/writer.js';
import type { TarItem } from './tar-plan.js';

/** The image an export starts from: its config as uploaded, and its layers' blobs and tars. */
export interface ExportImage {
  configRaw: Buffer;
  platform: Platform;
  tags: string[];
  layers: Array<{ blob: string; tarBlob: string; diffId: string; mediaType: string; compression: Compression; size: number }>;
}

/**
 * What an export reads: the image, and every layer's indexed entries — either in memory (an
 * archive opened whole, the CLI) or from an index that reads them as asked (the server's store),
 * so that an image of millions of entries is never held whole.
 */
export type ExportSource = InMemorySource | IndexedSource;

export interface InMemorySource {
  image: ExportImage;
  /** Entries of each layer in tar order, as indexed (offsets into the layer's tarBlob). */
  layers: LayerEntry[][];
}

export interface IndexedSource {
  image: ExportImage;
  index: ExportIndex;
}

/** An image's index, read as an export asks: its merged filesystem and each layer's entries. */
export interface ExportIndex extends MergedBase {
  /** One layer's entries in tar order, read as they are consumed (again for each pass). */
  entries(layer: number): AsyncIterable<LayerEntry>;
}

/** An image's merged filesystem as an export walks it, and the content its hard links share. */
export interface MergedBase {
  lookup: LoadingFsLookup;
  /** Where the bytes of the merged filesystem's hard links are: each (layer, entry) once. */
  linkedContent(): Promise<ContentRef[]>;
}

/**
 * A merged filesystem loaded as asked. The engine asks it synchronously; work that does runs
 * inside `settle`, which loads what the work asked for and runs it again until it completes.
 */
export interface LoadingFsLookup extends FsLookup {
  settle<T>(work: () => T): Promise<T>;
  /** A walk is done with this folder's listing: what was loaded for it may be dropped. */
  release(dir: string): void;
}

/** A lookup that has everything in memory: work runs at once, nothing is dropped. */
export function loadedLookup(fs: FsLookup): LoadingFsLookup {
  return {
    get: (path) => fs.get(path),
    children: (dir) => fs.children(dir),
    ...(fs.hasShadowed ? { hasShadowed: (path: string) => fs.hasShadowed!(path) } : {}),
    ...(fs.subtreeSize ? { subtreeSize: (path: string) => fs.subtreeSize!(path) } : {}),
    ...(fs.childCount ? { childCount: (path: string) => fs.childCount!(path) } : {}),
    settle: async (work) => work(),
    release: () => {},
  };
}

/** Layer `n`'s entries in tar order. */
export async function* layerEntries(source: ExportSource, n: number): AsyncIterable<LayerEntry> {
  if ('index' in source) yield* source.index.entries(n);
  else yield* source.layers[n] ?? [];
}


/** The merged filesystem of the source: its index's, or merged here from the layers in memory. */
export function mergedBase(source: ExportSource): MergedBase {
  if ('index' in source) return source.index;
  const fs = mergeLayers(source.layers);
  return {
    lookup: loadedLookup(fs),
    linkedContent: async () => {
      const seen = new Map<string, ContentRef>();
      for (const node of fs.nodes()) if (node.entry.type === 'hardlink' && node.content) seen.set(contentKey(node.content.layer, node.content.entry), node.content);
      return [...seen.values()];
    },
  };
}

/** What names one copy of file bytes in an image: its layer and place in that layer's tar. */
export function contentKey(layer: number, entry: LayerEntry): string {
  return `${layer}:${entry.headerOffset}`;
}

/** An empty image: what `FROM scratch` starts from. */
export function scratchSource(platform: Platform = { os: 'linux', architecture: 'amd64' }): ExportSource {
  const config = { architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}), config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] };
  return { image: { configRaw: Buffer.from(JSON.stringify(config)), platform, tags: [], layers: [] }, layers: [] };
}

/** A sparse entry (GNU/PAX sparse map): its bytes are not one range of the tar, holes read as zeros. */
export function isSparse(entry: LayerEntry): boolean {
  return entry.sparse != null;
}

/** A file node's tar entry for a TarPlan: its bytes by offset in the layer tar or the draft's blob. */
export function contentItem(source: ExportSource, node: DraftNode, header: TarWriteHeader): TarItem {
  if (header.size === 0) return { header };
  const from = node.source;
  if (from.kind === 'blob') return { header, range: { blob: from.blob, start: 0, end: header.size } };
  if (from.kind !== 'image') throw new Error(`${node.path} has no content`);
  const tarBlob = source.image.layers[from.layer].tarBlob;
  const entry = from.entry;
  if (isSparse(entry)) return { header, stream: (store) => openEntryContent(store, tarBlob, entry) };
  return { header, range: { blob: tarBlob, start: entry.dataOffset, end: entry.dataOffset + Math.min(header.size, entry.size) } };
}

/** A tar header for a draft node (hard links are written by the caller). */
export function headerOf(node: DraftNode, path: string, mtime?: number): TarWriteHeader {
  const type = node.type === 'hardlink' ? 'file' : node.type;
  return {
    name: path,
    type,
    mode: node.mode,
    uid: node.uid,
    gid: node.gid,
    size: type === 'file' ? node.size : 0,
    mtime: mtime ?? node.mtime,
    linkName: type === 'symlink' ? node.linkTarget ?? '' : undefined,
    devMajor: node.devMajor,
    devMinor: node.devMinor,
    xattrs: node.xattrs ? Object.fromEntries(Object.entries(node.xattrs).map(([k, v]) => [k, Buffer.from(v, 'base64')])) : undefined,
  };
}

/** Parents before children, siblings in byte order: the order Docker's own layer writer uses. */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}
