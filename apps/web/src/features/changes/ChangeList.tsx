import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LayerChange } from '@peel/api';
import { formatSize } from '../../lib/format-size.js';

const ROW = 30;
/** Rows loaded beyond the last one in view, so steady scrolling rarely meets a pending row. */
const ROWS_AHEAD = 500;
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
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: Math.max(total, changes.length), getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const lastInView = items.length > 0 ? items[items.length - 1].index : -1;
  useEffect(() => {
    if (lastInView >= changes.length) onNeedRows(lastInView + 1 + ROWS_AHEAD);
  });
  const index = changes.findIndex((c) => c.path === selected);
  const idBase = useId();
  useEffect(() => {
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [index, virtualizer]);

  const onKeyDown = (event: KeyboardEvent) => {
    const next = event.key === 'ArrowDown' ? index + 1 : event.key === 'ArrowUp' ? index - 1 : null;
    if (next === null) return;
    event.preventDefault();
    const target = changes[Math.max(0, Math.min(changes.length - 1, next))];
    if (target) onSelect(target, true);
  };

  return (
    <div ref={scroller} className="change-scroll" role="listbox" aria-label="Changed paths" tabIndex={0} onKeyDown={onKeyDown} aria-activedescendant={index >= 0 ? `${idBase}-${index}` : undefined}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const change = changes[item.index];
          if (!change) {
            return (
              <div key={item.key} role="none" className="change-row pending muted" style={{ transform: `translateY(${item.start}px)`, height: ROW }}>
                Loading…
              </div>
            );
          }
          const isSelected = change.path === selected;
          return (
            <div
              key={item.key}
              id={`${idBase}-${item.index}`}
              role="option"
              aria-selected={isSelected}
              aria-label={`${change.change} ${change.path}`}
              className={`change-row kind-${change.change}${isSelected ? ' selected' : ''}`}
              style={{ transform: `translateY(${item.start}px)`, height: ROW }}
              onClick={() => onSelect(change, false)}
            >
              <span className={`kind-mark kind-${change.change}`} title={change.change}>
                {KIND_MARK[change.change]}
              </span>
              <span className={change.change === 'deleted' ? 'change-path mono gone' : 'change-path mono'}>{change.path}</span>
              {change.metadataOnly ? <span className="badge">metadata only</span> : null}
              {change.type !== 'file' && change.type !== 'dir' ? <span className="badge">{change.type}</span> : null}
              <span className="change-size muted small">{sizeText(change)}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
