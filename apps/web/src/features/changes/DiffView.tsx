import { useMemo, type ReactNode } from 'react';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { looksLikeText } from '../../lib/binary.js';
import { splitRows, summarize, unifiedRows } from '../../lib/diff-rows.js';
import { useContentPage, type ContentLayer } from '../viewer/index.js';
import { BinaryChange } from './BinaryChange.js';
import { DiffRows } from './DiffRows.js';

/** Text diffs are computed for files up to this size; larger ones get the binary summary. */
const DIFF_LIMIT = 1024 * 1024;

/** One version of a file: where its bytes are read, and what to call it ("Layer 3", "Draft"). */
export interface DiffSide {
  source: ContentLayer;
  label: string;
  /** The image the version is read from, when not the view's (two images compared). */
  imageId?: string;
}

/** A layer's version of a file, named as the layer views name it. */
export const layerSide = (layer: number): DiffSide => ({ source: layer, label: `Layer ${layer}` });

interface Props {
  imageId: string;
  path: string;
  before: DiffSide;
  after: DiffSide;
  view: 'split' | 'unified';
  onViewChange: (view: 'split' | 'unified') => void;
  /** Shown instead of the size-and-hash summary when either version is binary or too large. */
  binary?: ReactNode;
}

/**
 * Two versions of a file (a layer's against the one below, or the image's against the draft's):
 * a line diff for text, sizes and hashes otherwise.
 */
export function DiffView({ imageId, path, before: beforeSide, after: afterSide, view, onViewChange, binary }: Props) {
  const before = useContentPage(beforeSide.imageId ?? imageId, path, beforeSide.source, 0, DIFF_LIMIT);
  const after = useContentPage(afterSide.imageId ?? imageId, path, afterSide.source, 0, DIFF_LIMIT);
  const texts = useMemo(() => {
    if (!before.data || !after.data) return null;
    const small = before.data.total <= DIFF_LIMIT && after.data.total <= DIFF_LIMIT;
    if (!small || !looksLikeText(before.data.bytes) || !looksLikeText(after.data.bytes)) return null;
    const decoder = new TextDecoder();
    return { old: decoder.decode(before.data.bytes), now: decoder.decode(after.data.bytes) };
  }, [before.data, after.data]);
  const rows = useMemo(() => {
    if (!texts) return null;
    const unified = unifiedRows(texts.old, texts.now);
    return { unified, split: view === 'split' ? splitRows(texts.old, texts.now) : null, summary: summarize(unified) };
  }, [texts, view]);

  if (before.isPending || after.isPending) return <Loading lines={6} label="Loading both versions" />;
  if (before.isError) return <ErrorNote error={before.error} title={`Could not read the version in ${beforeSide.label}`} />;
  if (after.isError) return <ErrorNote error={after.error} title={`Could not read the version in ${afterSide.label}`} />;
  if (!rows && binary) return binary;
  if (!rows) return <BinaryChange imageId={imageId} path={path} before={beforeSide} after={afterSide} oldSize={before.data.total} newSize={after.data.total} />;

  return (
    <div className="diff-view">
      <div className="viewer-toolbar">
        <span className="diff-summary">
          <span className="diff-add">+{rows.summary.added}</span> <span className="diff-del">−{rows.summary.removed}</span>
          <span className="muted small">
            {' '}
            lines · {beforeSide.label} → {afterSide.label}
          </span>
        </span>
        <div className="segmented" role="group" aria-label="Diff layout">
          <button type="button" aria-pressed={view === 'split'} onClick={() => onViewChange('split')}>
            Side by side
          </button>
          <button type="button" aria-pressed={view === 'unified'} onClick={() => onViewChange('unified')}>
            Unified
          </button>
        </div>
      </div>
      {rows.summary.added + rows.summary.removed === 0 ? (
        <p className="viewer-note muted">The text is identical; only bytes outside the shown range or the metadata differ.</p>
      ) : (
        <DiffRows unified={rows.unified} split={rows.split} oldLabel={beforeSide.label} newLabel={afterSide.label} />
      )}
    </div>
  );
}
