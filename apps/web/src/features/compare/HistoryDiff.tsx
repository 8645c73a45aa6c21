import type { CompareHistoryRow, CompareHistoryStep } from '@peel/api';
import { Badge, type BadgeTone } from '../../components/Badge.js';
import { trimCreatedBy } from '../../lib/created-by.js';

const STATUS: Record<CompareHistoryRow['status'], { label: string; tone: BadgeTone }> = {
  same: { label: 'same', tone: 'neutral' },
  changed: { label: 'changed', tone: 'modified' },
  onlyA: { label: 'only A', tone: 'deleted' },
  onlyB: { label: 'only B', tone: 'added' },
};

function Step({ step }: { step: CompareHistoryStep | null }) {
  if (!step) return <span className="muted">–</span>;
  return (
    <div className="history-step">
      <span className="muted small">
        #{step.index}
        {step.layer !== null ? ` · layer ${step.layer}` : ' · no layer'}
      </span>
      <code className="created-by-text">{trimCreatedBy(step.createdBy) || step.comment || '(no command)'}</code>
    </div>
  );
}

/** The two build histories side by side, step against step: the same, changed, or on one side only. */
export function HistoryDiff({ rows }: { rows: CompareHistoryRow[] }) {
  if (rows.length === 0) return <p className="muted pad">Neither image has a build history.</p>;
  return (
    <div className="table-scroll compare-history">
      <table className="history-table">
        <caption className="visually-hidden">Histories aligned step by step</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">A</th>
            <th scope="col">B</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} className={`history-compare-row status-${row.status}`}>
              <td>
                <Badge tone={STATUS[row.status].tone}>{STATUS[row.status].label}</Badge>
              </td>
              <td>
                <Step step={row.a} />
              </td>
              <td>
                <Step step={row.b} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
