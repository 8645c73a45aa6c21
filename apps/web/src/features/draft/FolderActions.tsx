import { useRef, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Icon } from '../../components/Icon.js';
import { useApplyOp } from './api/apply-op.js';
import { useWriteFile } from './api/write-file.js';
import { CreateForm, type CreateKind, type CreateRequest } from './CreateForm.js';
import type { useUploadInto } from './use-upload-into.js';

interface Props {
  imageId: string;
  /** Where new things go: the selected folder, or the selected file's folder. */
  folder: string;
  uploads: ReturnType<typeof useUploadInto>;
  onOpen: (path: string, options?: { edit?: boolean }) => void;
}

/** Adds to a folder of the draft: a new file, folder or symlink, or files from the computer. */
export function FolderActions({ imageId, folder, uploads, onOpen }: Props) {
  const [kind, setKind] = useState<CreateKind | null>(null);
  const write = useWriteFile(imageId);
  const op = useApplyOp(imageId);
  const picker = useRef<HTMLInputElement>(null);
  const open = (next: CreateKind) => {
    write.reset();
    op.reset();
    setKind(kind === next ? null : next);
  };
  const create = ({ kind: k, path, target }: CreateRequest) => {
    const done = { onSuccess: () => (setKind(null), onOpen(path, { edit: k === 'file' })) };
    if (k === 'file') write.mutate({ path, body: '' }, done);
    else if (k === 'folder') op.mutate({ op: 'mkdir', path, mode: 0o755 }, done);
    else op.mutate({ op: 'symlink', path, target: target ?? '' }, done);
  };
  const { state } = uploads;
  return (
    <div className="folder-actions">
      <div className="edit-buttons" role="group" aria-label="Add to this folder">
        <span className="muted small folder-label">
          Add to <code>{folder}</code>
        </span>
        <button type="button" className="button small" aria-expanded={kind === 'file'} onClick={() => open('file')}>
          New file
        </button>
        <button type="button" className="button small" aria-expanded={kind === 'folder'} onClick={() => open('folder')}>
          New folder
        </button>
        <button type="button" className="button small" aria-expanded={kind === 'symlink'} onClick={() => open('symlink')}>
          New symlink
        </button>
        <button type="button" className="button small" disabled={state.status === 'busy'} onClick={() => picker.current?.click()}>
          <Icon name="upload" /> Upload file
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          className="visually-hidden"
          tabIndex={-1}
          aria-label={`Files to upload into ${folder}`}
          onChange={(event) => {
            const files = Array.from(event.target.files ?? []);
            event.target.value = '';
            if (files.length) void uploads.upload(folder, files).then((paths) => paths.length === 1 && onOpen(paths[0]));
          }}
        />
      </div>
      {kind ? <CreateForm key={`${kind}:${folder}`} kind={kind} folder={folder} busy={write.isPending || op.isPending} error={write.error ?? op.error} onCreate={create} onCancel={() => setKind(null)} /> : null}
      {state.status === 'busy' ? (
        <p className="upload-note small" role="status">
          Uploading {state.name} into {state.folder}
          {state.total > 1 ? ` (${state.done + 1} of ${state.total})` : ''}…
        </p>
      ) : null}
      {state.status === 'done' ? (
        <p className="upload-note small" role="status">
          Added {state.paths.length === 1 ? state.paths[0] : `${state.paths.length} files to ${state.folder}`} to the draft.{' '}
          <button type="button" className="link-button" onClick={uploads.reset}>
            OK
          </button>
        </p>
      ) : null}
      {state.status === 'error' ? <ErrorNote compact error={state.error} title={`Could not upload ${state.name} into ${state.folder}`} onDismiss={uploads.reset} /> : null}
    </div>
  );
}
