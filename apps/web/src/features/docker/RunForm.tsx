import { useId, useState, type FormEvent } from 'react';
import type { DockerRunRequest } from '@peel/api';
import { TextField } from '../../components/TextField.js';
import { buildRunRequest, type RunFields } from './run-form.js';

/** What to run and how: the image, command, entrypoint and environment overrides, TTY or not. */
export function RunForm({ initialRef, busy, onStart }: { initialRef: string; busy: boolean; onStart: (request: DockerRunRequest) => void }) {
  const [fields, setFields] = useState<RunFields>({ ref: initialRef, command: '', entrypoint: '', env: '', tty: true });
  const [error, setError] = useState<string | null>(null);
  const envId = useId();
  const set = (patch: Partial<RunFields>) => {
    setFields((f) => ({ ...f, ...patch }));
    setError(null);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const built = buildRunRequest(fields);
    if ('error' in built) setError(built.error);
    else onStart(built.request);
  };
  return (
    <form className="run-form" onSubmit={submit} aria-label="Run a container">
      <div className="field-row">
        <TextField className="grow" label="Image" value={fields.ref} onChange={(ref) => set({ ref })} placeholder="alpyne:latest" />
      </div>
      <div className="field-row">
        <TextField className="grow" label="Command" value={fields.command} onChange={(command) => set({ command })} placeholder="the image's CMD, e.g. /bin/sh -l" />
        <TextField className="grow" label="Entrypoint" value={fields.entrypoint} onChange={(entrypoint) => set({ entrypoint })} placeholder="the image's ENTRYPOINT ('' clears it)" />
      </div>
      <div className="field">
        <label htmlFor={envId}>Environment (KEY=value, one a line)</label>
        <textarea id={envId} className="text-input mono run-env" rows={2} value={fields.env} onChange={(e) => set({ env: e.target.value })} />
      </div>
      <div className="field-row run-form-actions">
        <label className="toggle">
          <input type="checkbox" checked={fields.tty} onChange={(e) => set({ tty: e.target.checked })} />
          Interactive terminal (TTY)
        </label>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Starting…' : 'Run'}
        </button>
      </div>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
      <p className="muted small">
        Every run has no network, no mounts and no privileges, is held to memory, process and time limits, and is removed when it stops.
      </p>
    </form>
  );
}
