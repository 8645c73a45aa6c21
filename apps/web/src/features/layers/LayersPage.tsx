import { formatSize } from '../../lib/format-size.js';
import { useCurrentImage } from '../image/image-context.js';
import { HistoryTable } from './HistoryTable.js';

/** The image's history and layers, base first. */
export function LayersPage() {
  const image = useCurrentImage();
  const stored = image.layers.reduce((sum, l) => sum + l.size, 0);
  const unpacked = image.layers.reduce((sum, l) => sum + l.uncompressedSize, 0);
  return (
    <section className="layers-page" aria-label="Layers and history">
      <p className="summary-line">
        {image.history.length} history steps, {image.layers.length} layers · {formatSize(stored)} stored · {formatSize(unpacked)} uncompressed.
        Select a layer to see its files and changes.
      </p>
      <div className="table-scroll">
        <HistoryTable image={image} />
      </div>
    </section>
  );
}
