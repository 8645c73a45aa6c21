import type { Compression, ExportSource, LayerEntry, Platform } from '@peel/engine';
import type { Db } from '../store/db.js';
import type { LayerEntryRow } from '../store/fs-repo.js';
import { toLayerEntry } from './entries.js';
import type { DraftContext } from './draft-context.js';

/**
 * What the engine's export reads, from the stored rows: the config bytes as uploaded, the layer
 * blobs and their uncompressed tars, and every layer's own entries in tar order with their
 * offsets (the implicit folders the index adds are not the layer's, so they stay out).
 */
export function exportSource(db: Db, ctx: DraftContext): ExportSource {
  const entriesOf = db.prepare(`SELECT * FROM layer_entries WHERE layer = ? AND implicit = 0 ORDER BY seq`);
  const layers: LayerEntry[][] = ctx.layers.map((l) => {
    const out: LayerEntry[] = [];
    for (const row of entriesOf.iterate(l.layer)) out.push(toLayerEntry(row as LayerEntryRow));
    return out;
  });
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
    layers,
  };
}
