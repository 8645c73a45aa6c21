import { useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote.js';
import { parentPath } from '../../lib/paths.js';
import { targetPath } from './target-path.js';

interface Props {
  path: string;
  busy: boolean;
  error: unknown;
  onMove: (to: string) => void;
  onCancel: () => void;
}

/** A new name, or a whole new path to move to. */
export function RenameForm({ path, busy, error, onMove, onCancel }: Props) {
  const [text, setText] = useState(path);
  const to = targetPath(parentPath(path), text);
  return (
    <form
      className="action-form"
      aria-label="Rename or move"
      onSubmit={(event) => {
        event.preventDefault();
        if (to && to !== path) onMove(to);
      }}
    >
      <label className="field">
        <span>New name or path</span>
        <input className="text-input mono" value={text} autoFocus onChange={(e) => setText(e.target.value)} />
      </label>
      <p className="field-hint">A name stays in {parentPath(path)}; a path starting with / moves it there.</p>
      <div className="form-actions">
        <button type="submit" className="button small primary" disabled={busy || !to || to === path}>
          {busy ? 'Moving…' : 'Rename / move'}
        </button>
        <button type="button" className="button small" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error ? <ErrorNote compact error={error} title="Could not move it" /> : null}
    </form>
  );
}
