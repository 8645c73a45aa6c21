import { useState } from 'react';
import type { FindingsResponse } from '@peel/api';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { useCurrentImage } from '../images/index.js';
import { useFindings } from './api/get-findings.js';
import { BiggestPackages } from '../packages/index.js';
import { BiggestList } from './BiggestList.js';
import { percent } from './describe.js';
import { LayerBars } from './LayerBars.js';
import { SecretList } from './SecretList.js';
import { SizeTreemap } from './SizeTreemap.js';
import { WasteList } from './WasteList.js';
import './findings.css';
import { plural } from '../../lib/plural.js';

/** Why the image is big, what it ships for nothing, and which secrets are baked in, deleted ones too. */
export function FindingsPage() {
  const image = useCurrentImage();
  const findings = useFindings(image.id);
  if (findings.isPending) {
    return (
      <section className="findings-page" aria-label="Findings">
        <p className="summary-line">Reading every layer for secrets and waste (the first time only; then it is kept)…</p>
        <Loading lines={6} label="Computing findings" />
      </section>
    );
  }
  if (findings.isError) {
    return (
      <section className="findings-page" aria-label="Findings">
        <ErrorNote error={findings.error} title="Could not compute the findings" onRetry={() => findings.refetch()} />
      </section>
    );
  }
  return <FindingsView f={findings.data} />;
}

function FindingsView({ f }: { f: FindingsResponse }) {
  const image = useCurrentImage();
  const [ownOnly, setOwnOnly] = useState(false);
  const isOwn = (layer: number | null) => !ownOnly || layer === null || layer >= f.base.baseLayers;
  const secrets = f.secrets.filter((s) => !ownOnly || !s.fromBase);
  const shipped = secrets.filter((s) => s.status === 'deleted' || s.status === 'overwritten').length;
  return (
    <section className="findings-page" aria-label="Findings">
      <dl className="findings-summary">
        <div className={secrets.length ? 'stat bad' : 'stat good'}>
          <dt>Secrets</dt>
          <dd>{secrets.length}</dd>
          <dd className="stat-note">{shipped ? `${shipped} deleted or overwritten but still shipped` : secrets.length ? 'in the final image' : 'none found'}</dd>
        </div>
        <div className="stat">
          <dt>Reclaimable</dt>
          <dd title={formatBytesExact(f.waste.bytes)}>{formatSize(f.waste.bytes)}</dd>
          <dd className="stat-note">of {formatSize(f.waste.shipped)} of files shipped</dd>
        </div>
        <div className={f.waste.efficiency < 0.9 ? 'stat warn' : 'stat'}>
          <dt>Efficiency</dt>
          <dd>{percent(f.waste.efficiency)}</dd>
          <dd className="stat-note">unique ÷ shipped</dd>
        </div>
        <div className="stat">
          <dt>Final filesystem</dt>
          <dd title={formatBytesExact(f.sizes.final)}>{formatSize(f.sizes.final)}</dd>
          <dd className="stat-note">
            {formatSize(f.sizes.stored)} stored in {plural(f.sizes.layers.length, 'layer')}
          </dd>
        </div>
      </dl>

      <div className="base-note">
        <label>
          <input type="checkbox" checked={ownOnly} onChange={(e) => setOwnOnly(e.target.checked)} disabled={f.base.baseLayers === 0} /> Only this image&apos;s own layers
        </label>
        <span className="muted">
          {f.base.baseLayers === 0 ? 'Base image: none told apart — ' : `Base image: ${f.base.baseLayers === 1 ? 'layer 0' : `layers 0–${f.base.baseLayers - 1}`} — `}
          {f.base.explanation}.
        </span>
      </div>

      <section className="findings-section" aria-labelledby="secrets-title">
        <h2 id="secrets-title">Secrets</h2>
        <SecretList imageId={image.id} secrets={secrets} />
      </section>

      <section className="findings-section" aria-labelledby="size-title">
        <h2 id="size-title">Size</h2>
        <SizeTreemap imageId={image.id} tree={f.sizes.tree} />
        <LayerBars imageId={image.id} layers={f.sizes.layers.filter((l) => isOwn(l.index))} />
        <div className="biggest-row">
          <BiggestList imageId={image.id} title="Biggest files" items={f.sizes.biggestFiles.slice(0, 12)} />
          <BiggestList imageId={image.id} title="Biggest folders" items={f.sizes.biggestDirs.slice(0, 12)} />
          <BiggestPackages imageId={image.id} />
        </div>
      </section>

      <section className="findings-section" aria-labelledby="waste-title">
        <h2 id="waste-title">Waste</h2>
        <WasteList imageId={image.id} waste={f.waste} isOwn={(l) => isOwn(l)} />
      </section>

      <p className="muted findings-foot">
        Read {f.scan.filesScanned.toLocaleString('en-US')} candidate files ({formatSize(f.scan.bytesRead)}) of every layer for secrets, in {(f.scan.millis / 1000).toFixed(1)} s;
        {f.scan.skippedBinary ? ` ${plural(f.scan.skippedBinary, 'binary', 'binaries')} and` : ''} {plural(f.scan.skippedLarge, 'large file')} skipped.
      </p>
    </section>
  );
}
