import type { AnalyzeInput, FindingsLayer, ImageConfig, LayerEntry } from '@peel/engine';
import type { ImageLayer, Store, StoredImage } from '../store/index.js';

const BATCH = 1024;

/**
 * The engine's analysis input, read from the store: each layer's own entries in tar order (the
 * directories the store adds for browsing left out; only the columns the analysis uses), read
 * by keyset pages each time the analysis asks, never held whole; the layers' sizes and tars, the
 * history and the config.
 */
export function readFindingsInput(store: Store, image: StoredImage, layers: ImageLayer[]): Omit<AnalyzeInput, 'store' | 'options'> {
  return {
    layers: layers.map((l) => storedLayer(store, l.layerDigest)),
    layerFacts: layers.map((l) => ({ size: l.size, uncompressedSize: l.uncompressedSize, tarBlob: l.tarBlob })),
    history: image.history,
    config: JSON.parse(image.configRaw.toString('utf8')) as ImageConfig,
  };
}

function storedLayer(store: Store, digest: string): FindingsLayer {
  return {
    async *entries() {
      let batch: LayerEntry[] = [];
      for await (const e of store.fs.layerEntries(digest, { lean: true })) {
        batch.push(e);
        if (batch.length === BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
  };
}
