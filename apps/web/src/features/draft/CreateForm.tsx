import { useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote.js';
import { targetPath } from './target-path.js';

export type CreateKind = 'file' | 'folder' | 'symlink';

export interface CreateRequest {
  kind: CreateKind;
  path: string;
  /** symlink only. */
  target?: string;
}

interface Props {
  kind: CreateKind;
  folder: string;
  busy: boolean;
  error: unknown;
  onCreate: (request: CreateRequest) => void;
  onCancel: () => void;
}

const TITLES: Record<CreateKind, string> = { file: 'New file', folder: 'New folder', symlink: 'New symlink' };
const BUTTONS: Record<CreateKind, string> = { file: 'Create file', folder: 'Create folder', symlink: 'Create symlink' };

/** A name (or path) for a new file, folder or symlink in a folder. */
export function CreateForm({ kind, folder, busy, error, onCreate, onCancel }: Props) {
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const path = targetPath(folder, name);
  const ready = path !== null && (kind !== 'symlink' || target.trim() !== '');
  return (
    <form
      className="action-form"
      aria-label={TITLES[kind]}
      onSubmit={(event) => {
        event.preventDefault();
        if (ready && path) onCreate({ kind, path, target: kind === 'symlink' ? target.trim() : undefined });
      }}
    >
      <div className="field-row">
        <label className="field grow">
          <span>{kind === 'folder' ? 'Folder name' : kind === 'symlink' ? 'Link name' : 'File name'}</span>
          <input className="text-input mono" value={name} autoFocus placeholder={kind === 'folder' ? 'data' : kind === 'symlink' ? 'current' : 'config.yaml'} onChange={(e) => setName(e.target.value)} />
        </label>
        {kind === 'symlink' ? (
          <label className="field grow">
            <span>Points to</span>
            <input className="text-input mono" value={target} placeholder="../lib/app-1.2 or /usr/bin/app" onChange={(e) => setTarget(e.target.value)} />
          </label>
        ) : null}
      </div>
      <p className="field-hint">{path ? <>Creates <code>{path}</code></> : `In ${folder}; a path starting with / goes anywhere.`}</p>
      <div className="form-actions">
        <button type="submit" className="button small primary" disabled={busy || !ready}>
          {busy ? 'Creating…' : BUTTONS[kind]}
        </button>
        <button type="button" className="button small" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error ? <ErrorNote compact error={error} title={`Could not create the ${kind}`} /> : null}
    </form>
  );
}
