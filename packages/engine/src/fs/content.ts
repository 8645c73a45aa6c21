import { Readable } from 'node:stream';
import type { BlobStore } from '../store/blob-store.js';
import type { DataRegion, LayerEntry } from '../types.js';
import { normalizePath } from '../layer/normalize.js';
import type { FsNode, MergedFs } from './merge.js';
import { resolveLinks } from './resolve-links.js';

/**
 * The bytes of a file entry (or a range of them), read from the layer's uncompressed tar by
 * offset: the cost does not depend on where the file sits in the layer.
 */
export function openEntryContent(store: BlobStore, tarBlob: string, entry: LayerEntry, range?: { start: number; end?: number }): Readable {
  const start = Math.min(Math.max(0, range?.start ?? 0), entry.size);
  const end = Math.max(start, Math.min(range?.end ?? entry.size, entry.size));
  if (entry.sparse) return Readable.from(sparseBytes(store, tarBlob, entry.dataOffset, entry.sparse, start, end), { objectMode: false });
  return store.open(tarBlob, { start: entry.dataOffset + start, end: entry.dataOffset + end });
}

/** Zeros are handed out in chunks of this size (a fresh buffer each: consumers may keep them). */
const ZERO_CHUNK = 256 * 1024;

/**
 * The bytes [start, end) of a sparse file: its data regions read from where the tar stores them
 * back to back, zeros in the holes between them and after the last one.
 */
async function* sparseBytes(store: BlobStore, tarBlob: string, dataOffset: number, regions: DataRegion[], start: number, end: number): AsyncGenerator<Buffer> {
  let pos = start;
  let stored = 0; // where the current region's bytes begin in the tar, relative to dataOffset
  for (const r of regions) {
    const regionEnd = r.offset + r.length;
    if (regionEnd > pos && r.offset < end) {
      yield* zeros(r.offset - pos);
      pos = Math.max(pos, r.offset);
      const to = Math.min(regionEnd, end);
      if (to > pos) {
        const from = dataOffset + stored + (pos - r.offset);
        for await (const chunk of store.open(tarBlob, { start: from, end: from + (to - pos) })) yield chunk as Buffer;
        pos = to;
      }
    }
    stored += r.length;
    if (pos >= end) return;
  }
  yield* zeros(end - pos);
}

function* zeros(n: number): Generator<Buffer> {
  for (let left = n; left > 0; left -= ZERO_CHUNK) yield Buffer.alloc(Math.min(left, ZERO_CHUNK));
}

/**
 * Finds a path in the merged filesystem, following symlinks in every component (see
 * resolveLinks). Returns null for a missing path or a link loop.
 */
export function resolvePath(fs: MergedFs, path: string): FsNode | null {
  const r = resolveLinks(normalizePath(path).path, (p) => fs.get(p)?.entry);
  return r.found && r.path !== '' ? fs.get(r.path) ?? null : null;
}
