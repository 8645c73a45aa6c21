import type { Compression, IndexedSource } from '@peel/engine';
import type { Store } from '../store/index.js';
import type { DraftContext } from './draft-context.js';

/**
 * What the engine's export reads, from the store: the config bytes as uploaded, the layer blobs
 * and their uncompressed tars, the merged filesystem as the draft's indexed lookup (a flatten
 * walks it a folder at a time, letting each go), and each layer's own entries in tar order, read
 * a page at a time when a rewrite (or a zstd layer's re-encoding, or dating an image by its
 * newest file) asks for them. Nothing holds every entry of the image.
 */
export function exportSource(store: Store, ctx: DraftContext): IndexedSource {
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
    index: {
      lookup: ctx.lookup,
      entries: (n) => store.fs.layerEntries(ctx.layers[n].layerDigest),
      linkedContent: () => store.fs.linkedContent(ctx.image.id),
    },
  };
}
