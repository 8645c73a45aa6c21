import type { LayerChange } from '@peel/api';
import { PagedList, type PagedListOption } from '../../components/PagedList.js';
import { formatSize } from '../../lib/format-size.js';

const KIND_MARK = { added: 'A', modified: 'M', deleted: 'D' } as const;

/** Size change of a modified file: "+1.2 KB", "−2 MB", or nothing for deletions and additions. */
function sizeText(change: LayerChange): string {
  if (change.change === 'deleted') return change.previousSize ? formatSize(change.previousSize) : '';
  if (change.change === 'modified' && change.previousSize !== undefined && change.previousSize !== null && !change.metadataOnly) {
    const delta = change.size - change.previousSize;
    if (delta === 0) return `${formatSize(change.size)} (same size)`;
    return `${formatSize(change.previousSize)} → ${formatSize(change.size)}`;
  }
  return change.type === 'dir' ? '' : formatSize(change.size);
}

interface Props {
  /** The rows loaded so far, in the layer's order. */
  changes: LayerChange[];
  /** Rows of the whole list: the scroll area has their height from the first page on. */
  total: number;
  selected?: string;
  onSelect: (c: LayerChange, replace: boolean) => void;
  /** Rows up to this count scrolled into view: load them. */
  onNeedRows: (rows: number) => void;
}

/** The layer's changes as a virtualised list; each row names its path and kind. Rows not loaded yet show as "Loading…". */
export function ChangeList({ changes, total, selected, onSelect, onNeedRows }: Props) {
  return <PagedList items={changes} total={total} selected={selected} label="Changed paths" onSelect={onSelect} onNeedRows={onNeedRows} option={changeOption} />;
}

function changeOption(change: LayerChange): PagedListOption {
  return {
    label: `${change.change} ${change.path}`,
    className: `kind-${change.change}`,
    content: (
      <>
        <span className={`kind-mark kind-${change.change}`} title={change.change}>
          {KIND_MARK[change.change]}
        </span>
        <span className={change.change === 'deleted' ? 'change-path mono gone' : 'change-path mono'}>{change.path}</span>
        {change.metadataOnly ? <span className="badge">metadata only</span> : null}
        {change.type !== 'file' && change.type !== 'dir' ? <span className="badge">{change.type}</span> : null}
        <span className="change-size muted small">{sizeText(change)}</span>
      </>
    ),
  };
}
