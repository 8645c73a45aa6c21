import { Link, useLocation, useSearchParams } from 'wouter';
import { links, type LayerTab } from '../../app/links.js';
import { Digest } from '../../components/Digest.js';
import { TabNav } from '../../components/TabNav.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { formatDateTime } from '../../lib/format-time.js';
import { ChangesView } from '../changes/index.js';
import type { FilesParams } from '../../app/links.js';
import { FilesView, readFilesParams } from '../files/index.js';
import { useCurrentImage } from '../images/index.js';
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
            <dt>Size</dt>
            <dd title={`${formatBytesExact(info.uncompressedSize)}: the uncompressed tar, as docker save writes it`}>{formatSize(info.uncompressedSize)}</dd>
          </div>
          <div>
            <dt>In files</dt>
            <dd title={`${formatBytesExact(info.contentSize)}: the bytes in its files`}>{formatSize(info.contentSize)}</dd>
          </div>
          <div>
            <dt>Compressed</dt>
            <dd title={formatBytesExact(info.size)}>{formatSize(info.size)}</dd>
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
        <LayerFiles imageId={image.id} layer={layer} params={readFilesParams(search)} />
      ) : (
        <ChangesView key={layer} layer={layer} />
      )}
    </section>
  );
}

/**
 * A layer's files two ways: its own entries (what its tar holds), or the filesystem as of the
 * layer — every layer up to it merged, as a container built from them would see it — with what
 * this layer wrote marked (dive's view).
 */
function LayerFiles({ imageId, layer, params }: { imageId: string; layer: number; params: FilesParams }) {
  const [, navigate] = useLocation();
  const asOf = !!params.asOf;
  const show = (next: boolean) => navigate(links.layerFiles(imageId, layer, { path: params.path, sort: params.sort, asOf: next }), { replace: true });
  const note = (
    <div className="files-mode">
      <div className="segmented" role="group" aria-label="Which files">
        <button type="button" aria-pressed={!asOf} onClick={() => show(false)}>
          This layer’s entries
        </button>
        <button type="button" aria-pressed={asOf} onClick={() => show(true)}>
          Filesystem as of this layer
        </button>
      </div>
      <span className="muted small">
        {asOf ? `Layers 0–${layer} merged; what layer ${layer} wrote is marked.` : `What layer ${layer}’s tar holds, whiteouts included.`}
      </span>
    </div>
  );
  return (
    <FilesView
      key={`${layer}/${asOf}`}
      scope={asOf ? { imageId, asOf: layer, deleted: params.deleted } : { imageId, layer }}
      params={params}
      makeUrl={(p) => links.layerFiles(imageId, layer, { ...p, asOf })}
      label={asOf ? `Filesystem as of layer ${layer}` : `Files of layer ${layer}`}
      note={note}
    />
  );
}
