import { useState } from 'react';
import type { FsEntry } from '@peel/api';
import { parentPath } from '../../lib/paths.js';
import { useApplyOp } from './api/apply-op.js';
import { useDeletePath } from './api/delete-path.js';
import { useDiscardPath } from './api/discard-path.js';
import { DeleteConfirm } from './DeleteConfirm.js';
import { ModeEditor } from './ModeEditor.js';
import { OwnerForm } from './OwnerForm.js';
import { RenameForm } from './RenameForm.js';
import { ErrorNote } from '../../components/ErrorNote.js';

type Panel = 'rename' | 'mode' | 'owner' | 'delete' | null;

interface Props {
  imageId: string;
  entry: FsEntry;
  /** Opens a path of the edited filesystem (or the editor for it). */
  onOpen: (path: string, options?: { edit?: boolean }) => void;
}

/** Edits of the selected entry: open in the editor, rename or move, permissions, owner, delete. */
export function EntryActions({ imageId, entry, onOpen }: Props) {
  const [panel, setPanel] = useState<Panel>(null);
  const op = useApplyOp(imageId);
  const remove = useDeletePath(imageId);
  const revert = useDiscardPath(imageId);
  const open = (next: Panel) => {
    op.reset();
    remove.reset();
    revert.reset();
    setPanel(panel === next ? null : next);
  };
  const close = () => setPanel(null);
  const busy = op.isPending || remove.isPending || revert.isPending;
  const button = (name: Panel, label: string, className = 'button small') => (
    <button type="button" className={className} aria-expanded={panel === name} onClick={() => open(name)}>
      {label}
    </button>
  );
  return (
    <div className="edit-actions">
      <div className="edit-buttons" role="group" aria-label="Edit this entry">
        {entry.type === 'file' ? (
          <button type="button" className="button small primary" onClick={() => onOpen(entry.path, { edit: true })}>
            Edit
          </button>
        ) : null}
        {button('rename', 'Rename / move')}
        {button('mode', 'Permissions')}
        {button('owner', 'Owner')}
        {button('delete', entry.type === 'dir' ? 'Delete folder' : 'Delete', 'button small danger')}
        {entry.edited ? (
          <button type="button" className="button small" disabled={busy} onClick={() => revert.mutate(entry.path)} title="Discard every draft change to this path">
            Discard edits
          </button>
        ) : null}
      </div>
      {revert.isError ? <ErrorNote compact error={revert.error} title="Could not discard the edits" /> : null}
      {panel === 'rename' ? (
        <RenameForm
          path={entry.path}
          busy={busy}
          error={op.error}
          onCancel={close}
          onMove={(to) => op.mutate({ op: 'rename', from: entry.path, to }, { onSuccess: () => (close(), onOpen(to)) })}
        />
      ) : null}
      {panel === 'mode' ? (
        <>
          <ModeEditor type={entry.type} mode={entry.mode} busy={busy} onCancel={close} onApply={(mode) => op.mutate({ op: 'chmod', path: entry.path, mode }, { onSuccess: close })} />
          {op.error ? <ErrorNote compact error={op.error} title="Could not change the permissions" /> : null}
        </>
      ) : null}
      {panel === 'owner' ? (
        <OwnerForm uid={entry.uid} gid={entry.gid} busy={busy} error={op.error} onCancel={close} onApply={({ uid, gid }) => op.mutate({ op: 'chown', path: entry.path, uid, gid }, { onSuccess: close })} />
      ) : null}
      {panel === 'delete' ? (
        <DeleteConfirm entry={entry} busy={busy} error={remove.error} onCancel={close} onDelete={() => remove.mutate(entry.path, { onSuccess: () => (close(), onOpen(parentPath(entry.path))) })} />
      ) : null}
    </div>
  );
}
