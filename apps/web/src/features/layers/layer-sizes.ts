import type { ImageDetail, LayerInfo } from '@peel/api';
import { formatBytesExact } from '../../lib/format-size.js';

/**
 * A layer's three sizes, spelled out: the uncompressed tar (the size `docker history` and
 * `docker save` give a layer, and the one a row leads with), the bytes of its files (a layer of
 * many small files is mostly tar headers), and the compressed blob a registry stores.
 */
export function layerSizeTitle(layer: LayerInfo): string {
  return `${formatBytesExact(layer.uncompressedSize)} uncompressed (the layer's tar), ${formatBytesExact(layer.contentSize)} in its files, ${formatBytesExact(layer.size)} compressed`;
}

/** "1 layer", "3 layers": a count with its noun. */
export function countOf(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The image's totals over its layers: uncompressed tars, files, compressed blobs. */
export function layerTotals(image: Pick<ImageDetail, 'layers'>): { uncompressed: number; files: number; compressed: number } {
  return image.layers.reduce((t, l) => ({ uncompressed: t.uncompressed + l.uncompressedSize, files: t.files + l.contentSize, compressed: t.compressed + l.size }), { uncompressed: 0, files: 0, compressed: 0 });
}
