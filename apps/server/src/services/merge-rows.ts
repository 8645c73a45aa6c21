import { StreamMerge, type MergeItem, type MergeLayerSource, type Problem } from '@peel/engine';
import type { IngestRepo, MergeRow, PendingImage, WriteOptions } from '../store/index.js';

/**
 * Merges an image's layers with the engine's streaming merge and has the store write what it
 * yields as it comes: merged nodes (each folder after its subtree, with its entry count and the
 * bytes below it), each layer's changes and what the layers shadowed, in one stream. Nothing of
 * the image is held whole.
 */
export async function writeMerged(ingest: IngestRepo, pending: PendingImage, layers: readonly MergeLayerSource[], opts: WriteOptions): Promise<{ fileCount: number; problems: Problem[] }> {
  const merge = new StreamMerge(layers);
  await ingest.writeMergeRows(pending, mergeRows(merge.items()), opts);
  return { fileCount: merge.nodeCount, problems: merge.problems };
}

async function* mergeRows(items: AsyncIterable<MergeItem[]>): AsyncGenerator<MergeRow[]> {
  // A shadowed row's `seq` counts across layers: what one path lost keeps the order it was lost in.
  let shadowSeq = 0;
  // A change's `seq` is its position in its layer's list.
  const changeSeq: number[] = [];
  for await (const batch of items) {
    const rows: MergeRow[] = [];
    for (const item of batch) {
      if (item.kind === 'node') {
        const { node: n, childCount, bytesBelow } = item;
        const c = n.content;
        rows.push({
          kind: 'node',
          row: { path: n.path, entry: n.entry, layer: n.layer, implicit: n.implicit, childCount, bytesBelow,
            digest: c ? c.entry.digest : n.entry.digest, contentLayer: c ? c.layer : null, contentSeq: c ? (c.seq ?? null) : null },
        });
      } else if (item.kind === 'shadowed') {
        const n = item.node;
        rows.push({
          kind: 'shadowed',
          row: { path: n.path, seq: shadowSeq++, entry: n.entry, layer: n.layer, deletedBy: n.deletedBy, overwrittenBy: n.overwrittenBy,
            digest: n.content ? n.content.entry.digest : n.entry.digest },
        });
      } else {
        const c = item.change;
        const seq = (changeSeq[item.layer] = (changeSeq[item.layer] ?? -1) + 1);
        rows.push({
          kind: 'change',
          row: { layer: item.layer, seq, path: c.path, change: c.change, type: c.type, size: c.size, previousLayer: c.previousLayer,
            metadataOnly: c.metadataOnly, previousSize: c.previousSize ?? null },
        });
      }
    }
    yield rows;
  }
}
