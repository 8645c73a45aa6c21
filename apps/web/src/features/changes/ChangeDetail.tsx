import { Link } from 'wouter';
import type { LayerChange } from '@peel/api';
import { links } from '../../app/links.js';
import { Badge } from '../../components/Badge.js';
import { baseName } from '../../lib/paths.js';
import { FileViewer } from '../viewer/index.js';
import { DiffView, layerSide } from './DiffView.js';
import { MetadataChange } from './MetadataChange.js';

const HAS_BYTES = new Set(['file', 'hardlink']);

interface Props {
  imageId: string;
  layer: number;
  change: LayerChange;
  view: 'split' | 'unified';
  onViewChange: (view: 'split' | 'unified') => void;
}

/** One change: an added file's contents, a deleted file's last version, or a diff for a modified one. */
export function ChangeDetail({ imageId, layer, change, view, onViewChange }: Props) {
  const prev = change.previousLayer;
  return (
    <div className="entry-detail change-detail">
      <div className="entry-head">
        <h2 className={change.change === 'deleted' ? 'entry-title gone' : 'entry-title'}>{baseName(change.path)}</h2>
        <Badge tone={change.change}>{change.change}</Badge>
        <div className="entry-actions">
          {change.change !== 'deleted' ? (
            <Link href={links.layerFiles(imageId, layer, { path: change.path })} className="button small">
              Open in layer {layer}
            </Link>
          ) : null}
          {change.change === 'deleted' && prev !== null ? (
            <Link href={links.files(imageId, { path: change.path, deleted: true, at: prev })} className="button small">
              Open deleted version
            </Link>
          ) : null}
        </div>
      </div>
      <div className="entry-path mono">{change.path}</div>
      {change.change === 'added' ? (
        <>
          <p className="muted small">Added by layer {layer}.</p>
          {HAS_BYTES.has(change.type) ? <FileViewer imageId={imageId} path={change.path} layer={layer} name={baseName(change.path)} /> : null}
        </>
      ) : null}
      {change.change === 'deleted' ? (
        <>
          <p className="gone-note">
            Deleted by layer {layer}
            {prev !== null ? `; the last version came from layer ${prev} and its bytes are still in the image` : ''}.
          </p>
          {prev !== null && HAS_BYTES.has(change.type) ? <FileViewer imageId={imageId} path={change.path} layer={prev} name={baseName(change.path)} /> : null}
        </>
      ) : null}
      {change.change === 'modified' && prev !== null ? (
        <>
          <MetadataChange imageId={imageId} path={change.path} oldLayer={prev} newLayer={layer} />
          {change.metadataOnly ? (
            <p className="muted small">Only the metadata changed; the contents are identical, yet the layer stores a full copy.</p>
          ) : HAS_BYTES.has(change.type) ? (
            <DiffView imageId={imageId} path={change.path} before={layerSide(prev)} after={layerSide(layer)} view={view} onViewChange={onViewChange} />
          ) : null}
        </>
      ) : null}
    </div>
  );
}
