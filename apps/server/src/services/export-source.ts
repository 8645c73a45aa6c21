import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Compression, ExportMode, ExportSource, LayerEntry } from '@peel/engine';
import type { LayerDigest, Store } from '../store/index.js';
import type { DraftContext } from './draft-context.js';

/**
 * What the engine's export reads, from the store: the config bytes as uploaded, the layer
 * blobs and their uncompressed tars, and the merged filesystem as the indexed lookup (it reads
 * only the paths the export asks for: the draft's own). Every layer's own entries in tar order
 * are read up front — a layer at a time, letting other requests in between — for a flatten or a
 * rewrite, which use them all; an append asks for them only to re-encode a zstd layer or to date
 * an image whose config records no time (its newest file), and cannot wait for the store then.
 */
export async function exportSource(store: Store, ctx: DraftContext, mode: ExportMode): Promise<ExportSource> {
  const readLayer = async (layer: LayerDigest): Promise<LayerEntry[]> => {
    const out: LayerEntry[] = [];
    for await (const e of store.fs.layerEntries(layer)) out.push(e);
    await nextTurn();
    return out;
  };
  const layers: LayerEntry[][] = [];
  if (mode !== 'append' || ctx.layers.some((l) => l.compression === 'zstd') || !hasOwnTime(ctx.image.configRaw)) {
    for (const l of ctx.layers) layers.push(await readLayer(l.layerDigest));
  }
  return {
    image: {
      configRaw: ctx.image.configRaw,
      platform: ctx.image.platform,
      tags: ctx.image.tags,
      layers: ctx.layers.map((l) => ({
        blob: l.layerDigest,
        tarBlob: l.tarBlob,
        diffId: l.diffId,
        mediaType: l.mediaType,
        compression: l.compression as Compression,
        size: l.size,
      })),
    },
    layers,
    lookup: ctx.lookup,
  };
}

/** Whether the config (or its history) records a time, as the engine dates an export (else by its newest file). */
function hasOwnTime(configRaw: Buffer): boolean {
  const cfg = JSON.parse(configRaw.toString('utf8')) as { created?: unknown; history?: unknown };
  const history = Array.isArray(cfg.history) ? (cfg.history as Array<{ created?: unknown } | null>) : [];
  return [cfg.created, ...history.map((h) => h?.created)].some((t) => typeof t === 'string' && Date.parse(t) >= 0);
}
