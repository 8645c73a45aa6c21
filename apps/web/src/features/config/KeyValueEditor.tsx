import type { Pair } from './config-form.js';

interface Props {
  label: string;
  keyLabel: string;
  rows: Pair[];
  onChange: (rows: Pair[]) => void;
  error?: string;
  addLabel: string;
}

/** Rows of name = value (Env, Labels): edit in place, remove a row, add one. */
export function KeyValueEditor({ label, keyLabel, rows, onChange, error, addLabel }: Props) {
  const update = (i: number, change: Partial<Pair>) => onChange(rows.map((row, j) => (j === i ? { ...row, ...change } : row)));
  return (
    <div className="kv-editor" role="group" aria-label={label}>
      {rows.length === 0 ? <p className="muted small">None.</p> : null}
      {rows.map((row, i) => (
        <div key={i} className="kv-editor-row">
          <input className="text-input mono" aria-label={`${keyLabel} ${i + 1} name`} placeholder="NAME" value={row.key} onChange={(e) => update(i, { key: e.target.value })} />
          <span className="muted" aria-hidden="true">=</span>
          <input className="text-input mono grow" aria-label={`${keyLabel} ${i + 1} value`} placeholder="value" value={row.value} onChange={(e) => update(i, { value: e.target.value })} />
          <button type="button" className="button small" aria-label={`Remove ${row.key || `${keyLabel.toLowerCase()} ${i + 1}`}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" className="button small" onClick={() => onChange([...rows, { key: '', value: '' }])}>
        {addLabel}
      </button>
      {error ? <p className="field-error">{error}</p> : null}
    </div>
  );
}
