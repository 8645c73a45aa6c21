import { formatSize } from '../../lib/format-size.js';
import { useCurrentImage } from '../images/index.js';
import { HistoryTable } from './HistoryTable.js';
import { layerTotals } from './layer-sizes.js';
import { plural } from '../../lib/plural.js';

/** The image's history and layers, base first. */
export function LayersPage() {
  const image = useCurrentImage();
  const totals = layerTotals(image);
  return (
    <section className="layers-page" aria-label="Layers and history">
      <p className="summary-line">
        {plural(image.history.length, 'history step')}, {plural(image.layers.length, 'layer')} · {formatSize(totals.uncompressed)} uncompressed
        ({formatSize(totals.files)} in files) · {formatSize(totals.compressed)} compressed. Select a layer to see its files and changes.
      </p>
      <div className="table-scroll">
        <HistoryTable image={image} />
      </div>
    </section>
  );
}
