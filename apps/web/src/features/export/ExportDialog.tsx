import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'wouter';
import type { DraftState, ExportMode, ImageDetail } from '@peel/api';
import { links } from '../../app/links.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Icon } from '../../components/Icon.js';
import { imageRefProblem } from '../../lib/image-ref.js';
import { startDownload } from '../../lib/start-download.js';
import { DockerNameNote } from './DockerNameNote.js';
import { LoadIntoDocker } from './LoadIntoDocker.js';
import { PushToRegistry } from './PushToRegistry.js';
import { exportUrl } from './api/export-url.js';
import { useSaveExport } from './api/save-export.js';
import { EXPORT_MODES } from './export-modes.js';
import { appendKeeps, defaultExportMode, type AppendKeeps } from './removed-for-good.js';
import './export.css';
import { someOf } from '../../lib/plural.js';

interface Props {
  image: ImageDetail;
  draft: DraftState | undefined;
  /** How many changes the draft holds (file changes, config keys, a new name). */
  pending: number;
  onClose: () => void;
}

/** Choose how to rebuild the image and its name, then download the archive or keep it in Peel. */
export function ExportDialog({ image, draft, pending, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const keeps = appendKeeps(draft);
  // Until the person picks a mode, the draft decides (it may arrive after the dialog opens).
  const [picked, setPicked] = useState<ExportMode | null>(null);
  const mode = picked ?? defaultExportMode(keeps);
  // The server names the result (`draft.resultTag`); until the person types a name, follow it.
  const [typedTag, setTag] = useState<string | null>(null);
  const tag = typedTag ?? draft?.resultTag ?? '';
  const [gzip, setGzip] = useState(true);
  const [downloaded, setDownloaded] = useState(false);
  const save = useSaveExport(image.id);
  const tagProblem = imageRefProblem(tag);
  const request = { mode, tag, compression: gzip ? ('gzip' as const) : ('none' as const) };

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  return (
    <dialog ref={dialog} className="export-dialog" aria-labelledby={titleId} onClose={onClose}>
      <form method="dialog" className="export-form" onSubmit={(event) => event.preventDefault()}>
        <header className="dialog-head">
          <h2 id={titleId}>Export {image.name}</h2>
          <button type="button" className="button small" onClick={() => dialog.current?.close()}>
            Close
          </button>
        </header>
        <p className="dialog-summary">
          {pending === 0
            ? 'No pending changes: the export re-packs the image as it is.'
            : `${pending} pending ${pending === 1 ? 'change' : 'changes'} will be applied.`}{' '}
          {pending > 0 ? <Link href={links.draft(image.id)} onClick={() => dialog.current?.close()}>Review them</Link> : null}
        </p>
        <fieldset className="mode-choices">
          <legend>How to rebuild</legend>
          {EXPORT_MODES.map((m) => (
            <label key={m.mode} className={mode === m.mode ? 'mode-choice selected' : 'mode-choice'}>
              <input type="radio" name="export-mode" value={m.mode} checked={mode === m.mode} onChange={() => setPicked(m.mode)} />
              <span className="mode-choice-text">
                <strong>{m.title}</strong>
                <span className="mode-sentence">{m.sentence}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <AppendWarning mode={mode} keeps={keeps} chosenForYou={picked === null} />
        <div className="field-row">
          <label className="field grow">
            <span>Name and tag of the result</span>
            <input className="text-input mono" value={tag} aria-invalid={tagProblem !== null} onChange={(e) => setTag(e.target.value)} />
          </label>
          <label className="toggle export-gzip">
            <input type="checkbox" checked={gzip} onChange={(e) => setGzip(e.target.checked)} />
            gzip new layers
          </label>
        </div>
        {tagProblem ? <p className="field-error">{tagProblem}</p> : <DockerNameNote imageId={image.id} name={tag} valid />}
        <div className="dialog-actions">
          <button
            type="button"
            className="button primary"
            disabled={tagProblem !== null}
            onClick={() => {
              startDownload(exportUrl(image.id, request));
              setDownloaded(true);
            }}
          >
            <Icon name="download" /> Download
          </button>
          <button type="button" className="button" disabled={tagProblem !== null || save.isPending} onClick={() => save.mutate(request)}>
            {save.isPending ? 'Saving…' : 'Save as new image'}
          </button>
        </div>
        <LoadIntoDocker imageId={image.id} request={request} disabled={tagProblem !== null} />
        <PushToRegistry imageId={image.id} mode={mode} compression={request.compression} example={image.tags.find(namesRegistry) ?? 'registry.example:5000/team/app:2'} />
        {downloaded ? <p className="dialog-note small" role="status">The download has started; your browser shows its progress. The archive loads with docker load.</p> : null}
        {save.isError ? <ErrorNote compact error={save.error} title="Could not save the export" /> : null}
        {save.data ? (
          <p className="dialog-note small" role="status">
            Saved as <strong>{save.data.tags[0] ?? save.data.name}</strong>.{' '}
            <Link href={links.image(save.data.id)} onClick={() => dialog.current?.close()}>
              Open the new image
            </Link>{' · '}
            <Link href={links.compare({ a: image.id, b: save.data.id })} onClick={() => dialog.current?.close()}>
              Compare with the exported result
            </Link>
          </p>
        ) : null}
      </form>
    </dialog>
  );
}

/** A tag naming a registry host (`host:5000/repo:tag`, `registry.example/repo`, `localhost/repo`): where the image came from. */
const namesRegistry = (tag: string): boolean => /^([^/]*[.:][^/]*|localhost)\//.test(tag);

/**
 * What Append leaves behind: the bytes of what the draft deletes stay in the lower layers. Said
 * as an alert when something was meant to leave every layer (a purge, "Remove from all layers").
 */
function AppendWarning({ mode, keeps, chosenForYou }: { mode: ExportMode; keeps: AppendKeeps; chosenForYou: boolean }) {
  const forGood = keeps.forGood;
  if (mode === 'append' && forGood.length > 0) {
    return (
      <p className="export-warning danger" role="alert">
        <strong>Append keeps the bytes.</strong> {someOf(forGood)} {forGood.length === 1 ? 'is' : 'are'} gone from the filesystem but still stored
        in the lower layer that shipped {forGood.length === 1 ? 'it' : 'them'}: anyone with this archive can read {forGood.length === 1 ? 'it' : 'them'}.
        Choose Rewrite layers or Flatten to take {forGood.length === 1 ? 'it' : 'them'} out of every layer.
      </p>
    );
  }
  if (mode === 'append' && keeps.deleted.length > 0) {
    return (
      <p className="export-warning" role="note">
        Append hides what the draft deletes ({someOf(keeps.deleted)}) but its bytes still ship in the lower layers; Rewrite layers or Flatten drops them.
      </p>
    );
  }
  if (mode === 'rewrite' && chosenForYou && forGood.length > 0) {
    return (
      <p className="export-warning" role="note">
        Rewrite layers is chosen because the draft removes {someOf(forGood)} from every layer: Append would keep {forGood.length === 1 ? 'its' : 'their'} bytes in a lower layer.
      </p>
    );
  }
  return null;
}
