import { MergedFs, type LayerChange, type LayerEntry, type Problem, type ShadowedNode } from '@peel/engine';
import type { ChangeRow, IngestRepo, MergedNodeRow, PendingImage, ShadowedRow, WriteOptions } from '../store/index.js';
import { splitPath } from '../store/image-path.js';

/**
 * Merges an image's layers and has the store write the result as it goes: after each layer, its
 * changes and what it shadowed are stored and dropped, and its entry array is released
 * (`layers[i]` is emptied), so only the merged tree itself stays in memory; then the tree is stored.
 */
export async function writeMerged(ingest: IngestRepo, pending: PendingImage, layers: LayerEntry[][], opts: WriteOptions): Promise<{ fileCount: number; problems: Problem[] }> {
  let shadowed: ShadowedNode[] = [];
  const shadowSeq = { next: 0 };
  const fs = new MergedFs({ keepChanges: false, onShadowed: (n) => shadowed.push(n) });
  for (let i = 0; i < layers.length; i++) {
    const changes = fs.applyLayer(layers[i]);
    layers[i] = [];
    const gone = shadowed;
    shadowed = [];
    await ingest.writeShadowed(pending, shadowedRows(gone, shadowSeq), opts);
    await ingest.writeChanges(pending, changeRows(i, changes), opts);
  }
  await ingest.writeMerged(pending, mergedRows(fs), opts);
  return { fileCount: fs.size, problems: fs.problems };
}

/** Per folder: how many entries it holds, and the bytes of file content below it at any depth. */
function folderTotals(fs: MergedFs): { counts: Map<string, number>; bytes: Map<string, number> } {
  const counts = new Map<string, number>();
  const bytes = new Map<string, number>();
  for (const n of fs.nodes()) {
    const parent = splitPath(n.path).parent;
    counts.set(parent, (counts.get(parent) ?? 0) + 1);
    // A file is its own content; a hard link counts its target's bytes; a broken link none.
    if (n.content) bytes.set(parent, (bytes.get(parent) ?? 0) + n.content.entry.size);
  }
  // Each folder's own files are summed; add every folder into its parent, deepest first.
  const dirs = [...counts.keys()].filter((d) => d !== '').sort((a, b) => depth(b) - depth(a));
  for (const d of dirs) {
    const own = bytes.get(d) ?? 0;
    const parent = splitPath(d).parent;
    bytes.set(parent, (bytes.get(parent) ?? 0) + own);
  }
  return { counts, bytes };
}

function depth(path: string): number {
  let n = 0;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) n++;
  return n;
}

function* mergedRows(fs: MergedFs): Generator<MergedNodeRow> {
  const { counts, bytes } = folderTotals(fs);
  for (const n of fs.nodes()) {
    const e = n.entry;
    const c = n.content;
    yield {
      path: n.path, entry: e, layer: n.layer, implicit: n.implicit, childCount: counts.get(n.path) ?? 0,
      bytesBelow: e.type === 'dir' ? (bytes.get(n.path) ?? 0) : null,
      digest: c ? c.entry.digest : e.digest, contentLayer: c ? c.layer : null, contentSeq: c ? (c.seq ?? null) : null,
    };
  }
}

/** `seq` counts across layers: what one path lost keeps the order it was lost in. */
function* shadowedRows(shadowed: readonly ShadowedNode[], seq: { next: number }): Generator<ShadowedRow> {
  for (const n of shadowed) {
    yield { path: n.path, seq: seq.next++, entry: n.entry, layer: n.layer, deletedBy: n.deletedBy, overwrittenBy: n.overwrittenBy, digest: n.content ? n.content.entry.digest : n.entry.digest };
  }
}

function* changeRows(layer: number, changes: readonly LayerChange[]): Generator<ChangeRow> {
  let seq = 0;
  for (const c of changes) {
    yield { layer, seq: seq++, path: c.path, change: c.change, type: c.type, size: c.size, previousLayer: c.previousLayer, metadataOnly: c.metadataOnly, previousSize: c.previousSize ?? null };
  }
}
