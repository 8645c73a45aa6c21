import { useState } from 'react';
import { Link, useSearch } from 'wouter';
import type { DraftState } from '@peel/api';
import { links } from '../../app/links.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { formatBytesExact, formatSize, formatSizeDelta } from '../../lib/format-size.js';
import { useExportDialog } from '../export/index.js';
import { useCurrentImage } from '../images/index.js';
import { useDiscardDraft } from './api/discard-draft.js';
import { useDraft } from './api/get-draft.js';
import { useUndo } from './api/undo.js';
import { ConfigChangeList } from './ConfigChangeList.js';
import { DraftDiff } from './DraftDiff.js';
import { pendingCount } from './describe-op.js';
import { OpList } from './OpList.js';

/** Everything the draft will change, what the result weighs, and ways to take changes back. */
export function DraftPage() {
  const image = useCurrentImage();
  const draft = useDraft(image.id);
  if (draft.isPending) return <Loading lines={6} label="Loading the draft" />;
  if (draft.isError) return <ErrorNote error={draft.error} title="Could not read the draft" onRetry={() => draft.refetch()} />;
  return <DraftPanel imageId={image.id} draft={draft.data} />;
}

function DraftPanel({ imageId, draft }: { imageId: string; draft: DraftState }) {
  const exportDialog = useExportDialog();
  const discardAll = useDiscardDraft(imageId);
  const undo = useUndo(imageId);
  const [confirmAll, setConfirmAll] = useState(false);
  const count = pendingCount(draft);
  const last = draft.ops.at(-1);
  const delta = draft.size.after - draft.size.before;
  const diffPath = new URLSearchParams(useSearch()).get('diff');
  return (
    <div className="draft-page">
      <section className="draft-summary" aria-label="Draft summary">
        <div className="draft-facts">
          <h2>{count === 0 ? 'No pending changes' : `${count} pending ${count === 1 ? 'change' : 'changes'}`}</h2>
          <dl className="image-facts">
            <div>
              <dt>Files now</dt>
              <dd title={formatBytesExact(draft.size.before)}>{formatSize(draft.size.before)}</dd>
            </div>
            <div>
              <dt>Files after export</dt>
              <dd title={formatBytesExact(draft.size.after)}>
                <strong>{formatSize(draft.size.after)}</strong> <span className={delta > 0 ? 'delta grow' : delta < 0 ? 'delta shrink' : 'delta'}>({formatSizeDelta(delta)})</span>
              </dd>
            </div>
            <div>
              <dt>Result name</dt>
              <dd className="mono">{draft.resultTag}</dd>
            </div>
          </dl>
        </div>
        <div className="draft-buttons">
          <button type="button" className="button" disabled={!last || undo.isPending} onClick={() => undo.mutate()} title={last ? `Takes back: ${last.op} ${last.path}` : undefined}>
            Undo last change
          </button>
          <button type="button" className="button danger" disabled={count === 0 || discardAll.isPending} onClick={() => setConfirmAll(true)}>
            Discard all
          </button>
          {count > 0 ? (
            <Link href={links.compare({ a: imageId, b: imageId, bDraft: true })} className="button" title="The image against the image as this draft leaves it: every file, config and history difference">
              Compare with the image
            </Link>
          ) : null}
          <button type="button" className="button primary" onClick={exportDialog.open}>
            Export…
          </button>
        </div>
        {confirmAll ? (
          <div className="confirm-bar" role="alertdialog" aria-label="Discard all changes">
            <span>Throw away all {count} pending changes? This cannot be undone.</span>
            <button type="button" className="button small danger" disabled={discardAll.isPending} onClick={() => discardAll.mutate(undefined, { onSuccess: () => setConfirmAll(false) })}>
              {discardAll.isPending ? 'Discarding…' : 'Discard all changes'}
            </button>
            <button type="button" className="button small" onClick={() => setConfirmAll(false)}>
              Keep them
            </button>
          </div>
        ) : null}
        {undo.isError ? <ErrorNote compact error={undo.error} title="Could not undo the last change" /> : null}
        {discardAll.isError ? <ErrorNote compact error={discardAll.error} title="Could not discard the draft" /> : null}
      </section>
      {count === 0 ? (
        <p className="draft-empty muted">
          Edit files in the <Link href={links.files(imageId)}>Files</Link> tab or the run config in the <Link href={links.config(imageId)}>Config</Link> tab. Every
          change waits here, listed, until you export; nothing in the stored image changes.
        </p>
      ) : (
        <div className="draft-lists">
          <OpList imageId={imageId} ops={draft.ops} changes={draft.changes} selected={diffPath} />
          {diffPath ? <DraftDiff imageId={imageId} path={diffPath} change={draft.changes.find((c) => c.path === diffPath)} /> : null}
          <ConfigChangeList imageId={imageId} changes={draft.configChanges} tag={draft.tag} />
        </div>
      )}
    </div>
  );
}
