import type { FsEntry } from '@peel/api';
import { ErrorNote } from '../../components/ErrorNote.js';
import { plural } from '../../lib/plural.js';

interface Props {
  entry: FsEntry;
  busy: boolean;
  error: unknown;
  onDelete: () => void;
  onCancel: () => void;
}

/** Asks once before deleting; says how much a folder takes with it. */
export function DeleteConfirm({ entry, busy, error, onDelete, onCancel }: Props) {
  const folder = entry.type === 'dir';
  const inside = folder && entry.childCount ? ` and the ${plural(entry.childCount, 'entry', 'entries')} in it` : '';
  return (
    <div className="action-form" role="group" aria-label="Delete">
      <p className="confirm-text">
        Delete <code>{entry.path}</code>
        {inside}? The draft records it; nothing is lost until you export.
      </p>
      <div className="form-actions">
        <button type="button" className="button small danger" disabled={busy} autoFocus onClick={onDelete}>
          {busy ? 'Deleting…' : folder ? 'Delete folder' : 'Delete file'}
        </button>
        <button type="button" className="button small" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error ? <ErrorNote compact error={error} title="Could not delete it" /> : null}
    </div>
  );
}
