import { useState } from 'react';
import type { RegistryLayerProgress } from '@peel/api';
import { FileTree, useExpanded, type SortKey } from '../files/index.js';
import { formatSize, formatSpeed } from '../../lib/format-size.js';
import { formatDuration } from '../../lib/format-time.js';
import type { TransferStats } from '../../lib/throughput.js';
import type { RegistryOpenState } from './use-registry-open.js';

const STATE_TEXT: Record<RegistryLayerProgress['state'], string> = { waiting: 'waiting', fetching: 'downloading', stored: 'in the store already', done: 'done' };

/** The progress of opening from a registry: the whole image, then each layer (bytes, rate, time left). */
export function RegistryOpenPanel({ state, onCancel, onDismiss }: { state: RegistryOpenState; onCancel: () => void; onDismiss: () => void }) {
  if (state.status === 'idle') return null;
  if (state.status === 'error') {
    return (
      <section className="upload-panel error" aria-label="Opening from a registry">
        <div className="upload-title">
          Could not open <strong>{state.ref}</strong>
        </div>
        <p className="upload-error" role="alert">
          {state.message}
        </p>
        <div className="upload-actions">
          <button type="button" className="button small" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      </section>
    );
  }
  return <RunningPanel state={state} onCancel={onCancel} />;
}

function RunningPanel({ state, onCancel }: { state: Extract<RegistryOpenState, { status: 'running' }>; onCancel: () => void }) {
  const [browsing, setBrowsing] = useState<number | null>(null);
  const { job, total } = state;
  const indexing = job?.state === 'indexing';
  const title = !job || job.state === 'resolving' ? 'Reading the manifest of' : indexing ? 'Indexing' : 'Downloading';
  return (
    <section className={`upload-panel registry-progress${browsing !== null ? ' browsing' : ''}`} aria-label="Opening from a registry">
      <div className="upload-title">
        {title} <strong>{state.ref}</strong>
      </div>
      <Bar label={`Opening ${state.ref}`} stats={total} indeterminate={indexing || !job} />
      <div className="upload-stats">
        <span>{`${formatSize(total.loaded)} of ${formatSize(total.total)}`}</span>
        <span className="upload-percent">{`${total.percent.toFixed(0)}%`}</span>
        <span>{indexing ? 'finishing on the server…' : formatSpeed(total.speed)}</span>
        <span>{indexing ? '' : `${formatDuration(total.eta)} left`}</span>
      </div>
      {job && job.layers.length > 0 ? (
        <ol className="registry-layers" aria-label="Layers">
          {job.layers.map((layer, i) => {
            const stats = state.layers[layer.digest];
            return (
              <li key={layer.digest} data-state={layer.state}>
                <span className="registry-layer-name">
                  Layer {i} <code title={layer.digest}>{layer.digest.slice(7, 19)}</code>
                  {layer.indexed ? (
                    <button type="button" className="button small" aria-pressed={browsing === i} onClick={() => setBrowsing(browsing === i ? null : i)}>
                      {browsing === i ? 'Hide' : 'Browse'}
                      <span className="visually-hidden"> layer {i}</span>
                    </button>
                  ) : null}
                </span>
                <Bar label={`Layer ${i}`} stats={stats} indeterminate={false} small />
                <span className="registry-layer-stats">
                  {formatSize(layer.loaded)} of {formatSize(layer.size)} · {layer.state === 'fetching' && stats ? `${formatSpeed(stats.speed)}, ${formatDuration(stats.eta)} left` : `${STATE_TEXT[layer.state]}${layer.indexed ? ', indexed' : ''}`}
                </span>
              </li>
            );
          })}
        </ol>
      ) : null}
      {job && browsing !== null && job.layers[browsing]?.indexed ? <LayerBrowser jobId={job.id} layer={browsing} /> : null}
      <div className="upload-actions">
        <button type="button" className="button small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}

function Bar({ label, stats, indeterminate, small }: { label: string; stats: TransferStats | undefined; indeterminate: boolean; small?: boolean }) {
  const percent = stats?.percent ?? 0;
  return (
    <div
      className={`progress${indeterminate ? ' indeterminate' : ''}${small ? ' small' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={indeterminate ? undefined : Math.floor(percent)}
    >
      <div className="progress-fill" style={{ transform: `scaleX(${indeterminate ? 1 : percent / 100})` }} />
    </div>
  );
}

/** The folder tree of one layer the open has indexed, while the others still come in. */
function LayerBrowser({ jobId, layer }: { jobId: string; layer: number }) {
  const [selected, setSelected] = useState<string | null>(null);
  const [sort, setSort] = useState<SortKey>('name');
  const expansion = useExpanded(null);
  return (
    <div className="registry-layer-browser">
      <FileTree
        key={layer}
        scope={{ imageId: jobId, openJob: true, layer }}
        label={`Files of layer ${layer}`}
        selectedKey={selected}
        sort={sort}
        onSortChange={setSort}
        onSelect={(entry) => setSelected(entry.path)}
        expansion={expansion}
      />
    </div>
  );
}
