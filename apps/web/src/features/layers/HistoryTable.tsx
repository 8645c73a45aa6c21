import { Link, useLocation } from 'wouter';
import type { ImageDetail } from '@peel/api';
import { links } from '../../app/links.js';
import { LayerPackages } from '../packages/index.js';
import { formatSize } from '../../lib/format-size.js';
import { formatDateTime } from '../../lib/format-time.js';
import { CreatedBy } from './CreatedBy.js';
import { historyRows } from './history-rows.js';
import { layerSizeTitle } from './layer-sizes.js';
import { SizeBar } from './SizeBar.js';

/** Every history step, base first, like `docker history` turned the right way up. */
export function HistoryTable({ image }: { image: ImageDetail }) {
  const [, navigate] = useLocation();
  const rows = historyRows(image.history, image.layers);
  const max = Math.max(1, ...image.layers.map((l) => l.uncompressedSize));
  return (
    <table className="history-table">
      <thead>
        <tr>
          <th scope="col" className="num">
            Step
          </th>
          <th scope="col">Layer</th>
          <th scope="col">Command</th>
          <th scope="col" title="What the layer did to the packages its databases list">
            Packages
          </th>
          <th scope="col">Created</th>
          <th scope="col" className="size-col" title="The layer's uncompressed tar (docker save's layer.tar; docker history with the containerd image store), then the bytes in its files (docker history with the classic overlay2 store) and its compressed blob">
            Size
          </th>
          <th scope="col" className="num">
            Files
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => {
          const layer = row.layer;
          const open = layer ? () => navigate(links.layerFiles(image.id, layer.index)) : undefined;
          return (
            <tr key={i} className={layer ? 'history-row has-layer' : 'history-row empty-step'} onClick={open}>
              <td className="num muted">{row.step === null ? '–' : row.step + 1}</td>
              <td>
                {layer ? (
                  <Link href={links.layerFiles(image.id, layer.index)} className="layer-link" onClick={(e) => e.stopPropagation()}>
                    Layer {layer.index}
                  </Link>
                ) : (
                  <span className="muted">no layer</span>
                )}
              </td>
              <td className="command-cell">
                <CreatedBy text={row.createdBy} />
                {row.comment ? <div className="muted small">{row.comment}</div> : null}
              </td>
              <td className="layer-packages-cell">{layer ? <LayerPackages imageId={image.id} layer={layer.index} /> : null}</td>
              <td className="nowrap">{formatDateTime(row.created)}</td>
              <td className="size-col">
                {layer ? (
                  <div className="size-cell" title={layerSizeTitle(layer)}>
                    <SizeBar value={layer.uncompressedSize} max={max} />
                    <span className="size-main">{formatSize(layer.uncompressedSize)}</span>
                    <span className="size-detail muted small">
                      {formatSize(layer.contentSize)} in files · {formatSize(layer.size)} compressed
                    </span>
                  </div>
                ) : (
                  <div className="size-cell">
                    <SizeBar value={0} max={max} />
                    <span className="size-main muted">0 B</span>
                  </div>
                )}
              </td>
              <td className="num">{layer ? layer.entryCount.toLocaleString('en-US') : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
