import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'wouter';
import { links } from '../../app/links.js';
import { Badge } from '../../components/Badge.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { formatDateTime } from '../../lib/format-time.js';
import { useDraft } from '../draft/index.js';
import { archiveLinkResolver, useArchive } from '../archive/index.js';
import { useCurrentImage } from '../images/index.js';
import { JsonViewer } from '../json/index.js';
import { ConfigEditor } from './ConfigEditor.js';
import { commandLine, readConfig } from './read-config.js';
import { plural } from '../../lib/plural.js';

/** One fact of the config; `edited` marks a key the draft changes. */
function Row({ label, children, edited = false }: { label: string; children: ReactNode; edited?: boolean }) {
  return (
    <div className={edited ? 'config-row edited' : 'config-row'}>
      <dt>{label}</dt>
      <dd>
        {children}
        {edited ? (
          <>
            {' '}
            <Badge tone="modified" title="Changed by the draft">edited</Badge>
          </>
        ) : null}
      </dd>
    </div>
  );
}

const none = <span className="muted">not set</span>;
const argv = (list: string[] | null) => (list ? <code>{JSON.stringify(list)}</code> : none);

/**
 * The image config as a person reads it, with the raw JSON one click away; with `?edit=1`, the
 * editor. Pending draft changes show applied and marked.
 */
export function ConfigPage() {
  const image = useCurrentImage();
  const [search] = useSearchParams();
  const draft = useDraft(image.id);
  if (search.get('edit') === '1') {
    if (draft.isPending) return <Loading lines={8} label="Loading the draft" />;
    if (draft.isError) return <ErrorNote error={draft.error} title="Could not read the draft to edit the config" onRetry={() => draft.refetch()} />;
    return <ConfigEditor key={draft.data.updatedAt ?? 'empty'} image={image} draft={draft.data} />;
  }
  return <ConfigView draftChanges={draft.data?.configChanges.map((c) => c.key) ?? []} resultConfig={draft.data?.resultConfig} draftError={draft.error} />;
}

function ConfigView({ draftChanges, resultConfig, draftError }: { draftChanges: string[]; resultConfig?: Record<string, unknown>; draftError: unknown }) {
  const image = useCurrentImage();
  const archive = useArchive(image.id);
  const edited = draftChanges.length > 0 && resultConfig !== undefined;
  const c = readConfig(edited ? { ...image.config, config: resultConfig } : image.config);
  const changed = new Set(draftChanges);
  const run = commandLine(c.entrypoint, c.cmd);
  return (
    <div className="config-page">
      <div className="config-toolbar wide">
        <Link href={links.config(image.id, { edit: true })} className="button primary">
          Edit config
        </Link>
        {edited ? (
          <span className="small">
            Showing the draft's {plural(draftChanges.length, 'config change')} applied ({draftChanges.join(', ')}).{' '}
            <Link href={links.draft(image.id)}>Review the draft</Link>
          </span>
        ) : (
          <span className="muted small">Change Cmd, Entrypoint, Env, ports, labels and the result's name; edits wait in the draft until you export.</span>
        )}
        {draftError ? <ErrorNote compact error={draftError} title="Could not read the draft" /> : null}
      </div>
      <section className="card run" aria-labelledby="cfg-run">
        <h2 id="cfg-run">How it runs</h2>
        <dl className="config-list">
          <Row label="Command" edited={changed.has('Cmd') || changed.has('Entrypoint')}>{run ? <code className="command-line">{run}</code> : none}</Row>
          <Row label="Entrypoint" edited={changed.has('Entrypoint')}>{argv(c.entrypoint)}</Row>
          <Row label="Cmd" edited={changed.has('Cmd')}>{argv(c.cmd)}</Row>
          <Row label="WorkingDir" edited={changed.has('WorkingDir')}>{c.workingDir ? <code>{c.workingDir}</code> : <span className="muted">/ (not set)</span>}</Row>
          <Row label="User" edited={changed.has('User')}>{c.user ? <code>{c.user}</code> : <span className="muted">root (not set)</span>}</Row>
          <Row label="StopSignal" edited={changed.has('StopSignal')}>{c.stopSignal ? <code>{c.stopSignal}</code> : <span className="muted">SIGTERM (not set)</span>}</Row>
          {c.healthcheck ? <Row label="Healthcheck" edited={changed.has('Healthcheck')}>{argv(c.healthcheck)}</Row> : null}
          {c.shell ? <Row label="Shell" edited={changed.has('Shell')}>{argv(c.shell)}</Row> : null}
          {c.onBuild.length ? <Row label="OnBuild" edited={changed.has('OnBuild')}>{argv(c.onBuild)}</Row> : null}
        </dl>
      </section>
      <section className="card" aria-labelledby="cfg-platform">
        <h2 id="cfg-platform">Platform</h2>
        <dl className="config-list">
          <Row label="Architecture">{c.architecture ?? none}</Row>
          <Row label="OS">{c.os ?? none}</Row>
          <Row label="Variant">{c.variant ?? none}</Row>
          <Row label="Created">{c.created ? <span title={c.created}>{formatDateTime(c.created)}</span> : none}</Row>
          {c.author ? <Row label="Author">{c.author}</Row> : null}
          <Row label="Layers">{plural(c.diffIds.length, 'diff ID')}</Row>
        </dl>
      </section>
      <section className="card" aria-labelledby="cfg-ports">
        <h2 id="cfg-ports">Ports and volumes</h2>
        <dl className="config-list">
          <Row label="ExposedPorts" edited={changed.has('ExposedPorts')}>{c.exposedPorts.length ? c.exposedPorts.map((p) => <code key={p} className="chip">{p}</code>) : none}</Row>
          <Row label="Volumes" edited={changed.has('Volumes')}>{c.volumes.length ? c.volumes.map((v) => <code key={v} className="chip">{v}</code>) : none}</Row>
        </dl>
      </section>
      <section className="card wide" aria-labelledby="cfg-env">
        <h2 id="cfg-env">
          Environment ({c.env.length}){changed.has('Env') ? <> <Badge tone="modified">edited</Badge></> : null}
        </h2>
        <KeyValueTable rows={c.env} empty="No environment variables." keyLabel="Variable" />
      </section>
      <section className="card wide" aria-labelledby="cfg-labels">
        <h2 id="cfg-labels">
          Labels ({c.labels.length}){changed.has('Labels') ? <> <Badge tone="modified">edited</Badge></> : null}
        </h2>
        <KeyValueTable rows={c.labels} empty="No labels." keyLabel="Label" />
      </section>
      <section className="card wide" aria-labelledby="cfg-raw">
        <details>
          <summary id="cfg-raw">Raw config JSON{edited ? ' (as stored, without the draft)' : ''}</summary>
          <JsonViewer value={image.config} label="Image config JSON" resolveLink={archiveLinkResolver(image, archive.data)} openDepth={2} />
        </details>
      </section>
    </div>
  );
}

function KeyValueTable({ rows, empty, keyLabel }: { rows: Array<[string, string]>; empty: string; keyLabel: string }) {
  if (!rows.length) return <p className="muted">{empty}</p>;
  return (
    <table className="kv-table">
      <thead>
        <tr>
          <th scope="col">{keyLabel}</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([k, v], i) => (
          <tr key={`${k}-${i}`}>
            <th scope="row" className="mono">
              {k}
            </th>
            <td className="mono">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
