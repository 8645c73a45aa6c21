import { useId, useState } from 'react';
import { Link } from 'wouter';
import type { DraftPathChange } from '@peel/api';
import { links } from '../../app/links.js';
import { baseName } from '../../lib/paths.js';
import { DiffView, type DiffSide } from '../changes/index.js';
import { FileViewer } from '../viewer/index.js';

const IMAGE: DiffSide = { source: undefined, label: 'Image' };
const DRAFT: DiffSide = { source: 'draft', label: 'Draft' };

/** One file the draft edited: the image's version (merged filesystem) against the draft's, as a diff; a new file as it is. */
export function DraftDiff({ imageId, path, change }: { imageId: string; path: string; change: DraftPathChange | undefined }) {
  const titleId = useId();
  const [view, setView] = useState<'split' | 'unified'>('split');
  const comparable = change?.kind === 'modified' && change.type === 'file';
  const added = change?.kind === 'added' && change.type === 'file';
  return (
    <section className="card wide draft-section draft-diff" aria-labelledby={titleId}>
      <div className="draft-diff-head">
        <h2 id={titleId}>
          {added ? 'New file' : 'Your edit of'} <span className="mono">{path}</span>
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
      ) : added ? (
        <FileViewer imageId={imageId} path={path} layer="draft" name={baseName(path)} />
      ) : (
        <p className="muted">
          {change === undefined
            ? 'The draft does not change this path (any more).'
            : change.kind === 'deleted'
                ? 'The draft deletes this path: there is no edited version to compare.'
                : 'Only a file’s contents can be shown.'}
        </p>
      )}
    </section>
  );
}
