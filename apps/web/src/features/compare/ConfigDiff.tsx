import type { CompareConfigChange } from '@peel/api';
import { configValueText } from './compare-text.js';

function Value({ field, value, tone }: { field: CompareConfigChange['field']; value: CompareConfigChange['a']; tone: 'old' | 'new' }) {
  const text = configValueText(field, value);
  if (text === null) return <span className="muted">not set</span>;
  return <span className={`mono config-value ${tone === 'old' ? 'diff-del' : 'diff-add'}`}>{text}</span>;
}

/** The run config's differences, one row per variable, label, port, volume or setting. */
export function ConfigDiff({ changes }: { changes: CompareConfigChange[] }) {
  if (changes.length === 0) return <p className="muted pad">The run config is the same on both sides (Env, Entrypoint, Cmd, WorkingDir, User, ports, volumes, labels, platform).</p>;
  return (
    <div className="table-scroll compare-config">
      <table className="history-table">
        <caption className="visually-hidden">Config differences</caption>
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">A</th>
            <th scope="col">B</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr key={`${change.field}\u0000${change.key ?? ''}`}>
              <th scope="row" className="mono">
                {change.field}
                {change.key !== null ? <span className="config-key"> {change.key}</span> : null}
              </th>
              <td>
                <Value field={change.field} value={change.a} tone="old" />
              </td>
              <td>
                <Value field={change.field} value={change.b} tone="new" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
