import { Link } from 'wouter';
import { ErrorNote } from '../../components/ErrorNote.js';
import type { ExportRequest } from './api/export-url.js';
import { dockerRunLink, useDockerStatus } from '../docker/index.js';
import { useLoadIntoDocker } from './api/load-into-docker.js';
import './export.css';

/**
 * "Load into Docker" for an export: the rebuilt archive goes straight into the engine, and the
 * name it got is shown with a way to run it. Nothing at all without an engine.
 */
export function LoadIntoDocker({ imageId, request, disabled }: { imageId: string; request: ExportRequest; disabled: boolean }) {
  const status = useDockerStatus();
  const load = useLoadIntoDocker(imageId);
  if (!status.data?.available) return null;
  return (
    <div className="docker-load">
      <button type="button" className="button" disabled={disabled || load.isPending} onClick={() => load.mutate(request)}>
        {load.isPending ? 'Loading into Docker…' : 'Load into Docker'}
      </button>
      {load.data ? (
        <span className="dialog-note small" role="status">
          Loaded into Docker as <strong data-testid="docker-loaded">{load.data.loaded}</strong>.{' '}
          {status.data.runs ? <Link href={dockerRunLink(load.data.loaded)}>Run it</Link> : null}
        </span>
      ) : null}
      {load.isError ? <ErrorNote compact error={load.error} title="Could not load it into Docker" /> : null}
    </div>
  );
}
