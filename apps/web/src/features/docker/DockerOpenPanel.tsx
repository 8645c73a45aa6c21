import { formatSize, formatSpeed } from '../../lib/format-size.js';
import { formatDuration } from '../../lib/format-time.js';
import type { DockerOpenState } from './use-docker-open.js';

/** The progress of opening from Docker: the upload card's bar, bytes, speed and time left. */
export function DockerOpenPanel({ state, onCancel, onDismiss }: { state: DockerOpenState; onCancel: () => void; onDismiss: () => void }) {
  if (state.status === 'idle') return null;
  if (state.status === 'error') {
    return (
      <section className="upload-panel error" aria-label="Open from Docker">
        <div className="upload-title">
          Could not open <strong>{state.name}</strong> from Docker
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
  const { stats } = state;
  const indexing = state.status === 'indexing';
  // Until the engine has said how big the image is, only the bytes read so far are known.
  const sized = stats.total > 0;
  return (
    <section className="upload-panel" aria-label="Open from Docker">
      <div className="upload-title">
        {indexing ? 'Indexing' : 'Reading from Docker'} <strong>{state.name}</strong>
      </div>
      <div
        className={indexing ? 'progress indeterminate' : 'progress'}
        role="progressbar"
        aria-label={`Opening ${state.name} from Docker`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={indexing || !sized ? undefined : Math.floor(stats.percent)}
        aria-valuetext={indexing ? 'All bytes read, indexing' : sized ? `${stats.percent.toFixed(0)}%` : 'Starting'}
      >
        <div className="progress-fill" style={{ transform: `scaleX(${indexing ? 1 : stats.percent / 100})` }} />
      </div>
      <div className="upload-stats">
        <span>{sized ? `${formatSize(stats.loaded)} of ${formatSize(stats.total)}` : `${formatSize(stats.loaded)} read`}</span>
        <span className="upload-percent">{sized ? `${stats.percent.toFixed(0)}%` : ''}</span>
        <span>{indexing ? 'finishing on the server…' : sized ? formatSpeed(stats.speed) : 'asking Docker…'}</span>
        <span>{indexing || !sized ? '' : `${formatDuration(stats.eta)} left`}</span>
      </div>
      <div className="upload-actions">
        <button type="button" className="button small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}
