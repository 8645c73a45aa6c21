import { useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote.js';

interface Props {
  uid: number;
  gid: number;
  busy: boolean;
  error: unknown;
  onApply: (owner: { uid: number; gid: number }) => void;
  onCancel: () => void;
}

const ID = /^\d{1,10}$/;

/** Numeric owner and group, as the image stores them. */
export function OwnerForm({ uid, gid, busy, error, onApply, onCancel }: Props) {
  const [u, setU] = useState(String(uid));
  const [g, setG] = useState(String(gid));
  const valid = ID.test(u.trim()) && ID.test(g.trim()) && Number(u) <= 0xffffffff && Number(g) <= 0xffffffff;
  const changed = valid && (Number(u) !== uid || Number(g) !== gid);
  return (
    <form
      className="action-form"
      aria-label="Owner"
      onSubmit={(event) => {
        event.preventDefault();
        if (changed) onApply({ uid: Number(u), gid: Number(g) });
      }}
    >
      <div className="field-row">
        <label className="field">
          <span>User id (uid)</span>
          <input className="text-input mono narrow" inputMode="numeric" value={u} autoFocus onChange={(e) => setU(e.target.value)} />
        </label>
        <label className="field">
          <span>Group id (gid)</span>
          <input className="text-input mono narrow" inputMode="numeric" value={g} onChange={(e) => setG(e.target.value)} />
        </label>
      </div>
      {!valid ? <p className="field-error">Owner and group are numbers, like 0 (root) or 1000.</p> : null}
      <div className="form-actions">
        <button type="submit" className="button small primary" disabled={busy || !changed}>
          {busy ? 'Applying…' : 'Change owner'}
        </button>
        <button type="button" className="button small" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error ? <ErrorNote compact error={error} title="Could not change the owner" /> : null}
    </form>
  );
}
