import { Link, useLocation, useSearchParams } from 'wouter';
import { links, type LayerTab } from '../../app/links.js';
import { Digest } from '../../components/Digest.js';
import { TabNav } from '../../components/TabNav.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { formatDateTime } from '../../lib/format-time.js';
import { ChangesView } from '../changes/ChangesView.js';
import { readFilesParams } from '../files/files-params.js';
import { FilesView } from '../files/FilesView.js';
import { useCurrentImage } from '../image/image-context.js';
import { CreatedBy } from './CreatedBy.js';

/** One layer: what made it, its sizes, and tabs for its own files and its changes. */
export function LayerPage({ layer, tab }: { layer: number; tab: LayerTab }) {
  const image = useCurrentImage();
  const [, navigate] = useLocation();
  const [search] = useSearchParams();
  const info = image.layers[layer];
  if (!info) {
    return (
      <p role="alert" className="error-note">
        This image has no layer {layer}; it has layers 0 to {image.layers.length - 1}. <Link href={links.layers(image.id)}>Back to the layers</Link>
      </p>
    );
  }
  const step = info.history !== null ? image.history[info.history] : null;
  const hrefFor = (n: number) => (tab === 'files' ? links.layerFiles(image.id, n) : links.layerChanges(image.id, n));
  return (
    <section className="layer-page" aria-label={`Layer ${layer}`}>
      <header className="layer-header">
        <div className="layer-picker">
          <Link href={hrefFor(layer - 1)} className={layer === 0 ? 'button small disabled' : 'button small'} aria-disabled={layer === 0} onClick={(e) => layer === 0 && e.preventDefault()}>
            ← Lower
          </Link>
          <label className="visually-hidden" htmlFor="layer-select">
            Layer
          </label>
          <select id="layer-select" value={layer} onChange={(event) => navigate(hrefFor(Number(event.target.value)))}>
            {image.layers.map((l) => (
              <option key={l.index} value={l.index}>
                Layer {l.index} · {formatSize(l.uncompressedSize)}
              </option>
            ))}
          </select>
          <Link
            href={hrefFor(layer + 1)}
            className={layer >= image.layers.length - 1 ? 'button small disabled' : 'button small'}
            aria-disabled={layer >= image.layers.length - 1}
            onClick={(e) => layer >= image.layers.length - 1 && e.preventDefault()}
          >
            Upper →
          </Link>
        </div>
        <div className="layer-command">
          <CreatedBy text={step?.createdBy ?? null} />
        </div>
        <dl className="layer-facts">
          <div>
            <dt>Stored</dt>
            <dd title={formatBytesExact(info.size)}>{formatSize(info.size)}</dd>
          </div>
          <div>
            <dt>Uncompressed</dt>
            <dd title={formatBytesExact(info.uncompressedSize)}>{formatSize(info.uncompressedSize)}</dd>
          </div>
          <div>
            <dt>Entries</dt>
            <dd>{info.entryCount.toLocaleString('en-US')}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>{formatDateTime(step?.created)}</dd>
          </div>
          <div>
            <dt>Digest</dt>
            <dd>
              <Digest value={info.digest} />
            </dd>
          </div>
          <div>
            <dt>Diff ID</dt>
            <dd>
              <Digest value={info.diffId} />
            </dd>
          </div>
          <div>
            <dt>Media type</dt>
            <dd className="small mono">{info.mediaType}</dd>
          </div>
        </dl>
      </header>
      <TabNav
        label="Layer views"
        items={[
          { label: 'Files', href: links.layerFiles(image.id, layer), active: tab === 'files' },
          { label: 'Changes', href: links.layerChanges(image.id, layer), active: tab === 'changes' },
        ]}
      />
      {tab === 'files' ? (
        <FilesView
          key={layer}
          scope={{ imageId: image.id, layer }}
          params={readFilesParams(search)}
          makeUrl={(p) => links.layerFiles(image.id, layer, p)}
          label={`Files of layer ${layer}`}
        />
      ) : (
        <ChangesView key={layer} layer={layer} />
      )}
    </section>
  );
}
