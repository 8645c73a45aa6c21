import type { FsNode, LayerEntry, MergedFs, ShadowedNode } from '@peel/engine';
import { encodePath } from './path-codec.js';
import { splitPath } from './image-path.js';

/**
 * Engine objects → positional rows for the insert statements in image-writer.ts. Generators,
 * so an ingest never holds a second copy of a 100k-entry index in memory.
 */

const blob = (s: string | null): Buffer | null => (s === null ? null : encodePath(s));
const xattrs = (x: Record<string, string> | null): string | null => (x ? JSON.stringify(x) : null);
const sparse = (e: LayerEntry): string | null => (e.sparse ? JSON.stringify(e.sparse.map((r) => [r.offset, r.length])) : null);

function pathCols(path: string): [Buffer, Buffer] {
  const { parent, name } = splitPath(path);
  return [encodePath(parent), encodePath(name)];
}

/** A layer's own entries (tar order), then one implicit directory per parent it does not declare. */
export function* layerEntryRows(layerKey: number, entries: readonly LayerEntry[]): Generator<unknown[]> {
  const declared = new Set<string>();
  for (const e of entries) if (e.type === 'dir') declared.add(e.path);
  const implied = new Set<string>();
  let seq = 0;
  for (const e of entries) {
    yield [layerKey, seq++, ...pathCols(e.path), e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.size, e.mtime,
      blob(e.linkTarget), e.devMajor, e.devMinor, xattrs(e.xattrs), e.dataOffset, e.headerOffset, e.digest, 0, sparse(e)];
    // An opaque marker's path is the directory it sits in: that directory exists in the tar.
    let dir = e.type === 'opaque' ? e.path : splitPath(e.path).parent;
    while (dir !== '' && !declared.has(dir) && !implied.has(dir)) {
      implied.add(dir);
      dir = splitPath(dir).parent;
    }
  }
  for (const dir of implied) {
    yield [layerKey, seq++, ...pathCols(dir), 'dir', 0o755, 0, 0, '', '', 0, 0, null, 0, 0, null, 0, 0, null, 1, null];
  }
}

/** Where each entry object sits in its layer (its seq in layer_entries). */
export function entrySeqs(layers: ReadonlyArray<readonly LayerEntry[]>): Map<LayerEntry, number> {
  const seqs = new Map<LayerEntry, number>();
  for (const entries of layers) entries.forEach((e, i) => seqs.set(e, i));
  return seqs;
}

function childCounts(fs: MergedFs): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of fs.nodes()) {
    const parent = splitPath(n.path).parent;
    counts.set(parent, (counts.get(parent) ?? 0) + 1);
  }
  return counts;
}

export function* fsNodeRows(imageKey: number, fs: MergedFs, seqs: Map<LayerEntry, number>): Generator<unknown[]> {
  const counts = childCounts(fs);
  for (const n of fs.nodes()) {
    const e = n.entry;
    const c = n.content;
    yield [imageKey, ...pathCols(n.path), e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.size, e.mtime,
      blob(e.linkTarget), e.devMajor, e.devMinor, xattrs(e.xattrs), n.layer, n.implicit ? 1 : 0,
      counts.get(n.path) ?? 0, c ? c.entry.digest : e.digest, c ? c.layer : null, c ? (seqs.get(c.entry) ?? null) : null];
  }
}

export function* shadowedRows(imageKey: number, shadowed: readonly ShadowedNode[]): Generator<unknown[]> {
  let seq = 0;
  for (const n of shadowed) {
    const e = n.entry;
    yield [imageKey, ...pathCols(n.path), seq++, e.type, e.mode, e.uid, e.gid, e.size, e.mtime, blob(e.linkTarget),
      n.layer, n.deletedBy, n.overwrittenBy, n.content ? n.content.entry.digest : e.digest];
  }
}

export function* changeRows(imageKey: number, fs: MergedFs, layerCount: number): Generator<unknown[]> {
  for (let layer = 0; layer < layerCount; layer++) {
    let seq = 0;
    for (const c of fs.changes(layer)) {
      yield [imageKey, layer, seq++, encodePath(c.path), c.change, c.type, c.size, c.previousLayer,
        c.metadataOnly ? 1 : 0, c.previousSize ?? null];
    }
  }
}

export type { FsNode };
