import { archivePackageImage, mergeLayers, openImageArchive, type PackageImage } from '../../src/index.js';
import { dockerArchive, type TarItem } from '../build.js';
import { tempStore } from '../helpers.js';

/** A Docker archive of `layers` (written by tar-stream), opened by the engine, as a PackageImage. */
export async function packageImageOf(layers: TarItem[][]): Promise<{ image: PackageImage & { asked: number[] }; dispose: () => Promise<void> }> {
  const t = await tempStore();
  const archive = await openImageArchive([await dockerArchive({ layers })], t.store);
  const entries = archive.image.layers.map((l) => archive.layerScans.get(l.blob)!.entries);
  const inner = archivePackageImage({ layers: entries, tarBlobs: archive.image.layers.map((l) => l.tarBlob), store: t.store, fs: mergeLayers(entries) });
  const asked: number[] = [];
  const image = Object.assign(Object.create(inner) as PackageImage, inner, {
    asked,
    asOf: (n: number) => {
      asked.push(n);
      return inner.asOf(n);
    },
  });
  return { image, dispose: async () => {
    await inner.close();
    await t.dispose();
  } };
}
