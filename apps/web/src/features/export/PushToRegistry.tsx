import { useId, useState } from 'react';
import type { ExportCompression, ExportMode, RegistryPushJob } from '@peel/api';
import { ErrorNote } from '../../components/ErrorNote.js';
import { ApiError } from '../../lib/api-client.js';
import { formatSize } from '../../lib/format-size.js';
import { cancelPushJob, isPushLive, usePushJob, useStartPush } from './api/push-job.js';
import './export.css';

interface Props {
  imageId: string;
  mode: ExportMode;
  compression: ExportCompression;
  /** The placeholder: the image's own reference when it came from a registry, else an example. */
  example: string;
}

const STATE_TEXT: Record<RegistryPushJob['state'], string> = {
  building: 'Building the export…',
  pushing: 'Pushing blobs…',
  manifest: 'Putting the manifest…',
  done: 'Pushed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** What to do about the usual refusals, besides the registry's own words. */
const HINTS: Record<string, string> = {
  REGISTRY_UNAUTHORIZED: 'Sign in with docker login before starting Peel (it reads the Docker config), or check the user name and password.',
  REGISTRY_AUTH_LOOP: 'The credentials do not give push access to this repository.',
  REGISTRY_DENIED: 'The credentials do not give push access to this repository.',
  REGISTRY_UNREACHABLE: 'Check the host name and port of the reference.',
  REGISTRY_TLS_FAILED: "The registry's certificate is not trusted: start Peel with PEEL_REGISTRY_CA naming its CA.",
  REGISTRY_INSECURE_REFUSED: 'Plain HTTP is used only for registries listed in PEEL_REGISTRY_INSECURE (and loopback ones).',
};

/** "Push to registry": the export (this mode) sent to a reference, with bytes pushed of the total and the digest. */
export function PushToRegistry({ imageId, mode, compression, example }: Props) {
  const fieldId = useId();
  const [ref, setRef] = useState('');
  const start = useStartPush(imageId);
  const job = usePushJob(start.data);
  const view = job.data;
  const live = start.isPending || isPushLive(view);
  const counts = view ? countStates(view) : null;

  return (
    <section className="registry-push" aria-labelledby={fieldId}>
      <h3 id={fieldId} className="registry-push-title">Push to registry</h3>
      <p className="dialog-note small">Sends the export as chosen above to a registry; the reference&apos;s tag names it there.</p>
      <div className="field-row">
        <label className="field grow">
          <span>Reference (host[:port]/repository:tag)</span>
          <input
            className="text-input mono"
            value={ref}
            placeholder={example}
            spellCheck={false}
            onChange={(e) => setRef(e.target.value)}
          />
        </label>
        <button
          type="button"
          className="button"
          disabled={live || ref.trim() === ''}
          onClick={() => start.mutate({ ref: ref.trim(), mode, compression })}
        >
          {live ? 'Pushing…' : `Push (${mode})`}
        </button>
      </div>
      {start.isError ? <ErrorNote compact error={start.error} title="Could not start the push" /> : null}
      {view ? (
        <div className="registry-push-job" data-testid="push-job" data-state={view.state}>
          <div className="registry-push-progress">
            {view.error ? null : <progress max={Math.max(view.total, 1)} value={view.state === 'done' ? Math.max(view.total, 1) : view.pushed} aria-label="Bytes pushed" />}
            <span className="small" role="status">
              {STATE_TEXT[view.state]}
              {view.total > 0 ? ` ${formatSize(view.pushed)} of ${formatSize(view.total)}` : ''}
              {counts && view.total > 0 ? ` · ${counts}` : ''}
            </span>
            {isPushLive(view) ? (
              <button type="button" className="button small" onClick={() => void cancelPushJob(view.id).then(() => job.refetch())}>
                Cancel
              </button>
            ) : null}
          </div>
          {view.state === 'done' && view.digest ? (
            <div className="dialog-note small registry-push-result">
              <div>
                Pushed <span className="mono">{view.ref}</span> as <code className="mono registry-push-digest" data-testid="push-digest">{view.digest}</code>
              </div>
              <div>
                Pull exactly it: <code className="mono registry-push-digest">docker pull {pullName(view.ref)}@{view.digest}</code>
              </div>
            </div>
          ) : null}
          {view.error ? (
            <ErrorNote compact error={new ApiError(0, view.error.code, HINTS[view.error.code] ? `${view.error.message}. ${HINTS[view.error.code]}` : view.error.message)} title={`Could not push ${view.ref}`} />
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** "2 uploaded, 1 mounted, 1 already there" (only the outcomes that happened). */
function countStates(job: RegistryPushJob): string {
  const n = (s: string) => job.blobs.filter((b) => b.state === s).length;
  return [['uploaded', 'uploaded'], ['mounted', 'mounted'], ['exists', 'already there']]
    .filter(([s]) => n(s!) > 0)
    .map(([s, text]) => `${n(s!)} ${text}`)
    .join(', ');
}

/** The reference without its tag (a digest follows it). */
function pullName(ref: string): string {
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
}
