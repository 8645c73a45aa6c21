import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { formatSize } from '../../lib/format-size.js';
import { useWriteFile } from '../draft/index.js';
import { LANGUAGE_LABELS, languageIdFor, useContentPage } from '../viewer/index.js';
import { CodeEditor } from './CodeEditor.js';
import { decodeForEdit, EDIT_LIMIT } from './decode-for-edit.js';
import { keepsEditorOpen, releaseLeaveGuard, useLeaveGuard, type LeaveGuard } from './leave-guard.js';

interface Props {
  imageId: string;
  path: string;
  name: string;
  /** The draft already changed this file (its first version here is the draft's). */
  edited?: boolean;
  onClose: () => void;
}

/** Loads a file as the draft has it and opens it in the editor; says plainly when it cannot. */
export function FileEditor({ imageId, path, name, edited, onClose }: Props) {
  const file = useContentPage(imageId, path, 'draft', 0, EDIT_LIMIT + 1);
  const [opened, setOpened] = useState<Uint8Array | null>(null);
  // The first load is what the editor opens; later refetches (after a save) must not reset it.
  if (!opened && file.data) setOpened(file.data.bytes);
  if (!opened) {
    if (file.isError) return <ErrorNote error={file.error} title={`Could not open ${name} for editing`} onRetry={() => file.refetch()} />;
    return <Loading lines={6} label={`Opening ${name}`} />;
  }
  const editable = decodeForEdit(opened, file.data?.total ?? opened.length);
  if (!editable.ok) {
    return (
      <div className="editor-refusal">
        <p className="viewer-note">{editable.reason}</p>
        <button type="button" className="button small" onClick={onClose}>
          Back to the viewer
        </button>
      </div>
    );
  }
  return <EditorPane imageId={imageId} path={path} name={name} edited={edited} initial={editable.text} onClose={onClose} />;
}

function EditorPane({ imageId, path, name, edited, initial, onClose }: Props & { initial: string }) {
  const [text, setText] = useState(initial);
  const [saved, setSaved] = useState(initial);
  /** Set while the person is asked whether to leave with unsaved text: how to carry on leaving. */
  const [leaving, setLeaving] = useState<(() => void) | null>(null);
  const write = useWriteFile(imageId);
  const dirty = text !== saved;
  // Leaving the page (reload, closing the tab) with unsaved edits asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  // So does leaving inside the app: a tab, a link, another file in the tree, Back.
  const guard = useMemo<LeaveGuard | null>(() => {
    if (!dirty) return null;
    const here = new URL(window.location.href);
    return { keeps: (to) => keepsEditorOpen(here, to), ask: (leave) => setLeaving(() => leave) };
  }, [dirty]);
  useLeaveGuard(guard);
  const firstLine = initial.slice(0, 200).split('\n', 1)[0];
  const language = languageIdFor(name, firstLine);
  const save = (then?: () => void) => {
    if (!dirty || write.isPending) return;
    const sent = text;
    write.mutate(
      { path, body: new Blob([sent]) },
      {
        onSuccess: () => {
          setSaved(sent);
          then?.();
        },
      },
    );
  };
  const bytes = new TextEncoder().encode(text).length;
  /** Leaves as asked, the guard released first so the navigation it makes is not asked about again. */
  const proceed = () => {
    setLeaving(null);
    releaseLeaveGuard(guard);
    leaving?.();
  };
  return (
    <div className="file-viewer file-editor">
      <div className="viewer-toolbar">
        <button type="button" className="button small primary" disabled={!dirty || write.isPending} onClick={() => save()} title="Ctrl+S / ⌘S">
          {write.isPending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button small" onClick={() => (dirty ? setLeaving(() => onClose) : onClose())}>
          Close editor
        </button>
        <span className="muted small" aria-live="polite">
          {LANGUAGE_LABELS[language]} · {formatSize(bytes)} · {write.isPending ? 'saving to the draft…' : dirty ? 'unsaved changes' : saved !== initial ? 'saved to the draft' : edited ? 'as saved in the draft' : 'no changes yet'}
        </span>
        <span className="muted small editor-hint">Ctrl+F find · Ctrl+S save</span>
      </div>
      {write.isError && !leaving ? <ErrorNote compact error={write.error} title={`Could not save ${name}`} /> : null}
      {leaving ? (
        <LeaveConfirm
          name={name}
          path={path}
          saving={write.isPending}
          error={write.isError ? write.error : null}
          onSave={() => save(proceed)}
          onDiscard={proceed}
          onStay={() => setLeaving(null)}
        />
      ) : null}
      <div className="viewer-body">
        <CodeEditor initial={initial} language={language} label={`Edit ${name}`} onChange={setText} onSave={() => save()} />
      </div>
    </div>
  );
}

interface LeaveConfirmProps {
  name: string;
  path: string;
  saving: boolean;
  error: unknown;
  onSave: () => void;
  onDiscard: () => void;
  onStay: () => void;
}

/** "Save, discard or stay?" as a modal dialog: Escape (or closing it) stays. */
function LeaveConfirm({ name, path, saving, error, onSave, onDiscard, onStay }: LeaveConfirmProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="leave-dialog" aria-labelledby={titleId} onCancel={onStay} onClose={onStay}>
      <h2 id={titleId}>Unsaved changes to {name}</h2>
      <p>
        Your edits to <span className="mono">{path}</span> are not in the draft yet. Save them before leaving?
      </p>
      {error ? <ErrorNote compact error={error} title={`Could not save ${name}`} /> : null}
      <div className="dialog-actions">
        <button type="button" className="button primary" disabled={saving} onClick={onSave}>
          {saving ? 'Saving…' : 'Save and leave'}
        </button>
        <button type="button" className="button danger" disabled={saving} onClick={onDiscard}>
          Discard changes
        </button>
        <button type="button" className="button" onClick={onStay} autoFocus>
          Stay here
        </button>
      </div>
    </dialog>
  );
}
