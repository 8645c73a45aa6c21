import type { AnalyzeInput, ImageConfig, LayerEntry } from '@peel/engine';
import type { ImageLayer, Store, StoredImage } from '../store/index.js';

/**
 * The engine's analysis input, read back from the store: each layer's own entries in tar order
 * (the directories the store adds for browsing left out; only the columns the analysis uses),
 * the layers' sizes and tars, the history and the config. A layer used twice is read once;
 * layer by layer, letting other requests in between (a large image has 100k+ rows).
 */
export async function readFindingsInput(store: Store, image: StoredImage, layers: ImageLayer[]): Promise<Omit<AnalyzeInput, 'store' | 'options'>> {
  const byDigest = new Map<string, LayerEntry[]>();
  const entries: LayerEntry[][] = [];
  for (const l of layers) {
    let list = byDigest.get(l.layerDigest);
    if (!list) {
      list = [];
      for await (const e of store.fs.layerEntries(l.layerDigest, { lean: true })) list.push(e);
      byDigest.set(l.layerDigest, list);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    entries.push(list);
  }
  return {
    layers: entries,
    layerFacts: layers.map((l) => ({ size: l.size, uncompressedSize: l.uncompressedSize, tarBlob: l.tarBlob })),
    history: image.history,
    config: JSON.parse(image.configRaw.toString('utf8')) as ImageConfig,
  };
}
