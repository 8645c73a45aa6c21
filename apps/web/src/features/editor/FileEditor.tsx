import { useEffect, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { formatSize } from '../../lib/format-size.js';
import { useWriteFile } from '../draft/api/write-file.js';
import { useContentPage } from '../viewer/api/get-content.js';
import { LANGUAGE_LABELS } from '../viewer/language.js';
import { languageIdFor } from '../viewer/language-id.js';
import { CodeEditor } from './CodeEditor.js';
import { decodeForEdit, EDIT_LIMIT } from './decode-for-edit.js';

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
  const [confirmClose, setConfirmClose] = useState(false);
  const write = useWriteFile(imageId);
  const dirty = text !== saved;
  // Leaving the page (reload, closing the tab) with unsaved edits asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  const firstLine = initial.slice(0, 200).split('\n', 1)[0];
  const language = languageIdFor(name, firstLine);
  const save = () => {
    if (!dirty || write.isPending) return;
    const sent = text;
    write.mutate({ path, body: new Blob([sent]) }, { onSuccess: () => setSaved(sent) });
  };
  const bytes = new TextEncoder().encode(text).length;
  return (
    <div className="file-viewer file-editor">
      <div className="viewer-toolbar">
        <button type="button" className="button small primary" disabled={!dirty || write.isPending} onClick={save} title="Ctrl+S / ⌘S">
          {write.isPending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button small" onClick={() => (dirty ? setConfirmClose(true) : onClose())}>
          Close editor
        </button>
        <span className="muted small" aria-live="polite">
          {LANGUAGE_LABELS[language]} · {formatSize(bytes)} · {write.isPending ? 'saving to the draft…' : dirty ? 'unsaved changes' : saved !== initial ? 'saved to the draft' : edited ? 'as saved in the draft' : 'no changes yet'}
        </span>
        <span className="muted small editor-hint">Ctrl+F find · Ctrl+S save</span>
      </div>
      {write.isError ? <ErrorNote compact error={write.error} title={`Could not save ${name}`} /> : null}
      {confirmClose ? (
        <div className="editor-confirm" role="alertdialog" aria-label="Unsaved changes">
          <span>Close without saving your changes to {name}?</span>
          <button type="button" className="button small danger" onClick={onClose}>
            Close without saving
          </button>
          <button type="button" className="button small" onClick={() => setConfirmClose(false)}>
            Keep editing
          </button>
        </div>
      ) : null}
      <div className="viewer-body">
        <CodeEditor initial={initial} language={language} label={`Edit ${name}`} onChange={setText} onSave={save} />
      </div>
    </div>
  );
}
