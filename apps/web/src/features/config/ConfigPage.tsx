import type { ReactNode } from 'react';
import { formatDateTime } from '../../lib/format-time.js';
import { useArchive } from '../archive/api/get-archive.js';
import { useCurrentImage } from '../image/image-context.js';
import { archiveLinkResolver } from '../json/digest-links.js';
import { JsonViewer } from '../json/JsonViewer.js';
import { commandLine, readConfig } from './read-config.js';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="config-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const none = <span className="muted">not set</span>;
const argv = (list: string[] | null) => (list ? <code>{JSON.stringify(list)}</code> : none);

/** The image config as a person reads it, with the raw JSON one click away. */
export function ConfigPage() {
  const image = useCurrentImage();
  const archive = useArchive(image.id);
  const c = readConfig(image.config);
  const run = commandLine(c.entrypoint, c.cmd);
  return (
    <div className="config-page">
      <section className="card run" aria-labelledby="cfg-run">
        <h2 id="cfg-run">How it runs</h2>
        <dl className="config-list">
          <Row label="Command">{run ? <code className="command-line">{run}</code> : none}</Row>
          <Row label="Entrypoint">{argv(c.entrypoint)}</Row>
          <Row label="Cmd">{argv(c.cmd)}</Row>
          <Row label="WorkingDir">{c.workingDir ? <code>{c.workingDir}</code> : <span className="muted">/ (not set)</span>}</Row>
          <Row label="User">{c.user ? <code>{c.user}</code> : <span className="muted">root (not set)</span>}</Row>
          <Row label="StopSignal">{c.stopSignal ? <code>{c.stopSignal}</code> : <span className="muted">SIGTERM (not set)</span>}</Row>
          {c.healthcheck ? <Row label="Healthcheck">{argv(c.healthcheck)}</Row> : null}
          {c.shell ? <Row label="Shell">{argv(c.shell)}</Row> : null}
          {c.onBuild.length ? <Row label="OnBuild">{argv(c.onBuild)}</Row> : null}
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
          <Row label="Layers">{c.diffIds.length} diff IDs</Row>
        </dl>
      </section>
      <section className="card" aria-labelledby="cfg-ports">
        <h2 id="cfg-ports">Ports and volumes</h2>
        <dl className="config-list">
          <Row label="ExposedPorts">{c.exposedPorts.length ? c.exposedPorts.map((p) => <code key={p} className="chip">{p}</code>) : none}</Row>
          <Row label="Volumes">{c.volumes.length ? c.volumes.map((v) => <code key={v} className="chip">{v}</code>) : none}</Row>
        </dl>
      </section>
      <section className="card wide" aria-labelledby="cfg-env">
        <h2 id="cfg-env">Environment ({c.env.length})</h2>
        <KeyValueTable rows={c.env} empty="No environment variables." keyLabel="Variable" />
      </section>
      <section className="card wide" aria-labelledby="cfg-labels">
        <h2 id="cfg-labels">Labels ({c.labels.length})</h2>
        <KeyValueTable rows={c.labels} empty="No labels." keyLabel="Label" />
      </section>
      <section className="card wide" aria-labelledby="cfg-raw">
        <details>
          <summary id="cfg-raw">Raw config JSON</summary>
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
