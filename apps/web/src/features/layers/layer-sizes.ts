import type { ImageDetail, LayerInfo } from '@peel/api';
import { formatBytesExact } from '../../lib/format-size.js';

/**
 * A layer's three sizes, spelled out: the uncompressed tar (`docker save`'s layer.tar, and what
 * `docker history` shows with the containerd image store; a row leads with it), the bytes in its
 * files (`docker history` with the classic overlay2 store; a layer of many small files is mostly
 * tar headers), and the compressed blob a registry stores.
 */
export function layerSizeTitle(layer: LayerInfo): string {
  return `${formatBytesExact(layer.uncompressedSize)} uncompressed (the layer's tar), ${formatBytesExact(layer.contentSize)} in its files, ${formatBytesExact(layer.size)} compressed`;
}

/** The image's totals over its layers: uncompressed tars, files, compressed blobs. */
export function layerTotals(image: Pick<ImageDetail, 'layers'>): { uncompressed: number; files: number; compressed: number } {
  return image.layers.reduce((t, l) => ({ uncompressed: t.uncompressed + l.uncompressedSize, files: t.files + l.contentSize, compressed: t.compressed + l.size }), { uncompressed: 0, files: 0, compressed: 0 });
}
