import { useState } from 'react';
import type { EntryType } from '@peel/api';
import { bitMask, parseOctalMode, SPECIAL_BITS, WHAT, WHO, withBit } from '../../lib/mode-bits.js';
import { modeOctal, modeString } from '../../lib/mode-string.js';

interface Props {
  type: EntryType;
  mode: number;
  busy: boolean;
  onApply: (mode: number) => void;
  onCancel: () => void;
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

/** Permissions as a grid of read/write/execute boxes, the special bits, and the octal number, kept in step. */
export function ModeEditor({ type, mode: initial, busy, onApply, onCancel }: Props) {
  const [mode, setMode] = useState(initial & 0o7777);
  const [octal, setOctal] = useState(modeOctal(initial));
  const set = (next: number) => {
    setMode(next);
    setOctal(modeOctal(next));
  };
  const typed = parseOctalMode(octal);
  return (
    <form
      className="action-form mode-editor"
      aria-label="Permissions"
      onSubmit={(event) => {
        event.preventDefault();
        if (typed !== null) onApply(typed);
      }}
    >
      <table className="mode-grid">
        <thead>
          <tr>
            <td />
            {WHAT.map((what) => (
              <th key={what} scope="col">
                {cap(what)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {WHO.map((who) => (
            <tr key={who}>
              <th scope="row">{cap(who)}</th>
              {WHAT.map((what) => {
                const mask = bitMask(who, what);
                return (
                  <td key={what}>
                    <input type="checkbox" aria-label={`${cap(who)} ${what}`} checked={(mode & mask) !== 0} onChange={(e) => set(withBit(mode, mask, e.target.checked))} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mode-special">
        {SPECIAL_BITS.map((bit) => (
          <label key={bit.label} className="toggle" title={bit.hint}>
            <input type="checkbox" checked={(mode & bit.mask) !== 0} onChange={(e) => set(withBit(mode, bit.mask, e.target.checked))} />
            {bit.label}
          </label>
        ))}
      </div>
      <div className="mode-result">
        <label className="field inline">
          <span>Octal</span>
          <input
            className="text-input mono narrow"
            value={octal}
            aria-invalid={typed === null}
            onChange={(e) => {
              setOctal(e.target.value);
              const parsed = parseOctalMode(e.target.value);
              if (parsed !== null) setMode(parsed);
            }}
          />
        </label>
        <code className="mode-preview" aria-label="Result">
          {modeString(type, typed ?? mode)}
        </code>
        {typed === null ? <span className="field-error">Up to four octal digits, like 0755.</span> : null}
      </div>
      <div className="form-actions">
        <button type="submit" className="button small primary" disabled={busy || typed === null || typed === (initial & 0o7777)}>
          {busy ? 'Applying…' : 'Apply permissions'}
        </button>
        <button type="button" className="button small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
