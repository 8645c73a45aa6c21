import { ErrorDetail } from '../../components/ErrorNote.js';
import { formatSize, formatSpeed } from '../../lib/format-size.js';
import { formatDuration } from '../../lib/format-time.js';
import { useUpload } from './upload-context.js';

/** The upload's progress (bytes, percent, speed, time left, cancel) or its error, in a fixed card. */
export function UploadPanel() {
  const { state, cancel, dismiss } = useUpload();
  if (state.status === 'idle') return null;
  if (state.status === 'error') {
    return (
      <section className="upload-panel error" aria-label="Upload">
        <div className="upload-title">
          Could not open <strong>{state.fileName}</strong>
        </div>
        <p className="upload-error" role="alert">
          {asSentence(state.message)}
        </p>
        <ErrorDetail error={state.error} />
        <div className="upload-actions">
          <button type="button" className="button small" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      </section>
    );
  }
  const { stats } = state;
  const processing = state.status === 'processing';
  return (
    <section className="upload-panel" aria-label="Upload">
      <div className="upload-title">
        {processing ? 'Indexing' : 'Uploading'} <strong>{state.fileName}</strong>
      </div>
      <div
        className={processing ? 'progress indeterminate' : 'progress'}
        role="progressbar"
        aria-label={`Uploading ${state.fileName}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={processing ? undefined : Math.floor(stats.percent)}
        aria-valuetext={processing ? 'Upload complete, indexing' : `${stats.percent.toFixed(0)}%`}
      >
        <div className="progress-fill" style={{ transform: `scaleX(${processing ? 1 : stats.percent / 100})` }} />
      </div>
      <div className="upload-stats">
        <span>
          {formatSize(stats.loaded)} of {formatSize(stats.total)}
        </span>
        <span className="upload-percent">{stats.percent.toFixed(0)}%</span>
        <span>{processing ? 'finishing on the server…' : formatSpeed(stats.speed)}</span>
        <span>{processing ? '' : `${formatDuration(stats.eta)} left`}</span>
      </div>
      <div className="upload-actions">
        <button type="button" className="button small" onClick={cancel}>
          Cancel upload
        </button>
      </div>
    </section>
  );
}

/** The server's messages start in lower case (they also follow "peel inspect: " in a terminal). */
function asSentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
