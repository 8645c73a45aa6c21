import { createReadStream } from 'node:fs';
import { FsBlobStore, openImageArchive, type ImageArchive, type InMemorySource } from '@peel/engine';

export interface Opened {
  archive: ImageArchive;
  store: FsBlobStore;
  source: InMemorySource;
}

/** The engine alone (no server, no database): one pass over the file into a blob store. */
export async function openWithEngine(file: string, storeDir: string): Promise<Opened> {
  const store = await new FsBlobStore(storeDir).init();
  const archive = await openImageArchive(createReadStream(file, { highWaterMark: 1 << 20 }), store);
  const image = archive.image;
  const source: InMemorySource = {
    image: {
      configRaw: image.configRaw,
      platform: image.platform,
      tags: image.tags,
      layers: image.layers.map((l) => ({ blob: l.blob, tarBlob: l.tarBlob, diffId: l.diffId, mediaType: l.mediaType, compression: l.compression, size: l.size })),
    },
    layers: image.layers.map((l) => archive.layerScans.get(l.blob)?.entries ?? []),
  };
  return { archive, store, source };
}
