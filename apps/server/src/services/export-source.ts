import type { Compression, ExportSource, LayerEntry, Platform } from '@peel/engine';
import type { Db } from '../store/db.js';
import type { LayerEntryRow } from '../store/fs-repo.js';
import { toLayerEntry } from './entries.js';
import type { DraftContext } from './draft-context.js';

/**
 * What the engine's export reads, from the stored rows: the config bytes as uploaded, the layer
 * blobs and their uncompressed tars, and the merged filesystem as the indexed lookup (it reads
 * only the paths the export asks for: the draft's own, or the walk of a flatten). Every layer's
 * own entries in tar order (the implicit folders the index adds are not the layer's, so they
 * stay out) are read only if the export asks for them: a rewrite, or a zstd layer re-encoded.
 */
export function exportSource(db: Db, ctx: DraftContext): ExportSource {
  let layers: LayerEntry[][] | null = null;
  const readLayers = (): LayerEntry[][] => {
    const entriesOf = db.prepare(`SELECT * FROM layer_entries WHERE layer = ? AND implicit = 0 ORDER BY seq`);
    return ctx.layers.map((l) => {
      const out: LayerEntry[] = [];
      for (const row of entriesOf.iterate(l.layer)) out.push(toLayerEntry(row as LayerEntryRow));
      return out;
    });
  };
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
      return (layers ??= readLayers());
    },
    lookup: ctx.lookup,
  };
}
