import type { DockerRun } from '@peel/api';

/** A run without a TTY: what it wrote (stderr marked) and how it ended. */
export function RunOutput({ run }: { run: DockerRun }) {
  return (
    <div className="run-output">
      <pre className="run-output-text" data-testid="run-output" aria-label="Output">
        {run.output || (run.state === 'running' ? '' : '(no output)')}
      </pre>
      {run.stderr ? (
        <details className="run-stderr">
          <summary>stderr only</summary>
          <pre>{run.stderr}</pre>
        </details>
      ) : null}
      {run.truncated ? <p className="muted small">The output was cut: only its beginning is kept.</p> : null}
    </div>
  );
}
