import { formatSize } from '../../lib/format-size.js';
import { useCurrentImage } from '../image/image-context.js';
import { HistoryTable } from './HistoryTable.js';
import { countOf, layerTotals } from './layer-sizes.js';

/** The image's history and layers, base first. */
export function LayersPage() {
  const image = useCurrentImage();
  const totals = layerTotals(image);
  return (
    <section className="layers-page" aria-label="Layers and history">
      <p className="summary-line">
        {countOf(image.history.length, 'history step', 'history steps')}, {countOf(image.layers.length, 'layer', 'layers')} · {formatSize(totals.uncompressed)} uncompressed
        ({formatSize(totals.files)} in files) · {formatSize(totals.compressed)} compressed. Select a layer to see its files and changes.
      </p>
      <div className="table-scroll">
        <HistoryTable image={image} />
      </div>
    </section>
  );
}
