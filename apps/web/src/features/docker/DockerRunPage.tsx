import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'wouter';
import { links } from '../../app/links.js';
import { Badge } from '../../components/Badge.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { useDockerStatus } from './api/docker-status.js';
import { createRun, isLive, stopRun, useRun } from './api/runs.js';
import { RunForm } from './RunForm.js';
import { runBadge } from './run-badge.js';
import { RunOutput } from './RunOutput.js';
import { TerminalView } from './TerminalView.js';
import './docker.css';
import { dockerKeys } from './api/query-keys.js';

/** `/docker/run?ref=…`: start a container of an image and watch it, in a terminal or as output. */
export function DockerRunPage() {
  const [search] = useSearchParams();
  const status = useDockerStatus();
  const [runId, setRunId] = useState<string | null>(null);
  const client = useQueryClient();
  const start = useMutation({ mutationFn: createRun, onSuccess: (run) => setRunId(run.id) });
  const run = useRun(runId);
  const stop = useMutation({ mutationFn: stopRun, onSuccess: (r) => client.setQueryData(dockerKeys.run(r.id), r) });
  const refresh = () => void client.invalidateQueries({ queryKey: dockerKeys.run(runId) });

  let body;
  if (status.isPending) body = <Loading lines={3} label="Asking Docker" />;
  else if (status.isError) body = <ErrorNote error={status.error} title="Could not ask the server about Docker" />;
  else if (!status.data.available) body = <p className="docker-off muted" data-testid="docker-off">Docker is not available: {status.data.reason}</p>;
  else if (!status.data.runs) body = <p className="muted">Running containers is off on this server: {status.data.runsReason}</p>;
  else if (!runId || !run.data) {
    body = (
      <>
        <RunForm initialRef={search.get('ref') ?? ''} busy={start.isPending} onStart={(request) => start.mutate(request)} />
        {start.isError ? <ErrorNote error={start.error} title="Could not start the container" /> : null}
      </>
    );
  } else {
    const r = run.data;
    const badge = runBadge(r);
    body = (
      <section className="run-view" aria-label={`Run of ${r.ref}`}>
        <header className="run-head">
          <code className="run-ref">{r.ref}</code>
          <Badge tone={badge.tone} title={badge.title}>
            <span data-testid="run-state">{badge.label}</span>
          </Badge>
          {r.exitCode !== null ? <span data-testid="exit-code">exit code {r.exitCode}</span> : null}
          {r.error ? <span className="muted small">{r.error}</span> : null}
          <span className="grow" />
          <span className="muted small">
            {memoryLimit(r.limits.memoryBytes)} memory, {r.limits.pids} processes, {Math.round(r.limits.seconds / 60)} min
          </span>
          {isLive(r) ? (
            <button type="button" className="button small danger" disabled={stop.isPending} onClick={() => stop.mutate(r.id)}>
              {stop.isPending ? 'Stopping…' : 'Stop'}
            </button>
          ) : (
            <button type="button" className="button small" onClick={() => setRunId(null)}>
              New run
            </button>
          )}
        </header>
        {stop.isError ? <ErrorNote compact error={stop.error} title="Could not stop it" /> : null}
        {r.tty ? <TerminalView runId={r.id} onExit={refresh} /> : <RunOutput run={r} />}
      </section>
    );
  }
  return (
    <main className="home run-page">
      <p className="muted small">
        <Link href={links.home()}>Images</Link> / Run in Docker
      </p>
      <h1>Run in Docker</h1>
      {body}
    </main>
  );
}

/** Memory limits in MiB, as `docker run --memory` takes and `docker stats` shows them. */
function memoryLimit(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20).toLocaleString('en-US')} MiB`;
}
