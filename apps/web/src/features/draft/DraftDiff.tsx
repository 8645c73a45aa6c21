import { useId, useState } from 'react';
import { Link } from 'wouter';
import type { DraftPathChange } from '@peel/api';
import { links } from '../../app/links.js';
import { DiffView, type DiffSide } from '../changes/DiffView.js';

const IMAGE: DiffSide = { source: undefined, label: 'Image' };
const DRAFT: DiffSide = { source: 'draft', label: 'Draft' };

/** One file the draft edited: the image's version (merged filesystem) against the draft's, as a diff. */
export function DraftDiff({ imageId, path, change }: { imageId: string; path: string; change: DraftPathChange | undefined }) {
  const titleId = useId();
  const [view, setView] = useState<'split' | 'unified'>('split');
  const comparable = change?.kind === 'modified' && change.type === 'file';
  return (
    <section className="card wide draft-section draft-diff" aria-labelledby={titleId}>
      <div className="draft-diff-head">
        <h2 id={titleId}>
          Your edit of <span className="mono">{path}</span>
        </h2>
        <Link href={links.files(imageId, { path })} className="small">
          Open in Files
        </Link>
        <Link href={links.draft(imageId)} className="small">
          Close diff
        </Link>
      </div>
      {comparable ? (
        <DiffView imageId={imageId} path={path} before={IMAGE} after={DRAFT} view={view} onViewChange={setView} />
      ) : (
        <p className="muted">
          {change === undefined
            ? 'The draft does not change this path (any more).'
            : change.kind === 'added'
              ? 'The draft adds this file: the image has no version to compare it with.'
              : change.kind === 'deleted'
                ? 'The draft deletes this path: there is no edited version to compare.'
                : 'Only a file’s contents can be compared.'}
        </p>
      )}
    </section>
  );
}
