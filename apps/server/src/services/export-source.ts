import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Compression, ExportMode, ExportSource, LayerEntry, Platform } from '@peel/engine';
import type { Db } from '../store/db.js';
import type { LayerEntryRow } from '../store/fs-repo.js';
import { toLayerEntry } from './entries.js';
import type { DraftContext } from './draft-context.js';

/**
 * What the engine's export reads, from the stored rows: the config bytes as uploaded, the layer
 * blobs and their uncompressed tars, and the merged filesystem as the indexed lookup (it reads
 * only the paths the export asks for: the draft's own). Every layer's own entries in tar order
 * (the implicit folders the index adds are not the layer's, so they stay out) are read up front
 * for a flatten or a rewrite, which use them all, and otherwise only if the export asks for them
 * (an append re-encoding a zstd layer).
 */
export async function exportSource(db: Db, ctx: DraftContext, mode: ExportMode): Promise<ExportSource> {
  const entriesOf = db.prepare(`SELECT * FROM layer_entries WHERE layer = ? AND implicit = 0 ORDER BY seq`);
  const readLayer = (layer: number): LayerEntry[] => {
    const out: LayerEntry[] = [];
    for (const row of entriesOf.iterate(layer)) out.push(toLayerEntry(row as LayerEntryRow));
    return out;
  };
  let layers: LayerEntry[][] | null = null;
  if (mode !== 'append') {
    // Flatten and rewrite read every entry: a layer at a time, letting other requests in between
    // (100k rows read in one go kept the event loop for most of a second).
    layers = [];
    for (const l of ctx.layers) {
      layers.push(readLayer(l.layer));
      await nextTurn();
    }
  }
  return {
    image: {
      configRaw: ctx.image.config,
      platform: JSON.parse(ctx.image.platform) as Platform,
      tags: JSON.parse(ctx.image.tags) as string[],
      layers: ctx.layers.map((l) => ({
        blob: l.digest,
        tarBlob: l.tar_blob,
        diffId: l.diff_id,
        mediaType: l.media_type,
        compression: l.compression as Compression,
        size: l.size,
      })),
    },
    get layers() {
      return (layers ??= ctx.layers.map((l) => readLayer(l.layer)));
    },
    lookup: ctx.lookup,
  };
}
