import type { Compression, LayerEntry, Platform } from '../types.js';
import { openEntryContent } from '../fs/content.js';
import type { DraftNode } from '../draft/types.js';
import type { FsLookup } from '../draft/view.js';
import type { TarWriteHeader } from '../tar/writer.js';
import type { TarItem } from './tar-plan.js';

/** What an export reads: the image's config and layers, and every layer's indexed entries. */
export interface ExportSource {
  image: {
    configRaw: Buffer;
    platform: Platform;
    tags: string[];
    layers: Array<{ blob: string; tarBlob: string; diffId: string; mediaType: string; compression: Compression; size: number }>;
  };
  /**
   * Entries of each layer in tar order, as indexed (offsets into the layer's tarBlob). With a
   * `lookup`, only rewrite (and re-encoding a zstd layer) reads them: a lazy getter saves loading them.
   */
  layers: LayerEntry[][];
  /** The merged filesystem when the caller has it indexed (answers only the paths asked for). */
  lookup?: FsLookup;
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
