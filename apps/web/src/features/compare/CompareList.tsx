import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { CompareItem } from '@peel/api';
import { formatSizeDelta } from '../../lib/format-size.js';
import { sizeDelta } from './compare-text.js';
import { ChangeMark } from './ChangeMark.js';

const ROW = 30;
/** Rows loaded beyond the last one in view, so steady scrolling rarely meets a pending row. */
const ROWS_AHEAD = 500;

interface Props {
  items: CompareItem[];
  total: number;
  selected: string | undefined;
  onSelect: (item: CompareItem, replace: boolean) => void;
  onNeedRows: (rows: number) => void;
}

/** The changed paths that match a search, in tree order, virtualised; rows not loaded yet show as "Loading…". */
export function CompareList({ items, total, selected, onSelect, onNeedRows }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: Math.max(total, items.length), getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 10 });
  const inView = virtualizer.getVirtualItems();
  const lastInView = inView.length > 0 ? inView[inView.length - 1].index : -1;
  useEffect(() => {
    if (lastInView >= items.length) onNeedRows(lastInView + 1 + ROWS_AHEAD);
  });
  const index = items.findIndex((c) => c.path === selected);
  const idBase = useId();
  useEffect(() => {
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [index, virtualizer]);

  const onKeyDown = (event: KeyboardEvent) => {
    const next = event.key === 'ArrowDown' ? index + 1 : event.key === 'ArrowUp' ? index - 1 : null;
    if (next === null) return;
    event.preventDefault();
    const target = items[Math.max(0, Math.min(items.length - 1, next))];
    if (target) onSelect(target, true);
  };

  return (
    <div ref={scroller} className="change-scroll" role="listbox" aria-label="Matching changes" tabIndex={0} onKeyDown={onKeyDown} aria-activedescendant={index >= 0 ? `${idBase}-${index}` : undefined}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {inView.map((v) => {
          const item = items[v.index];
          const style = { transform: `translateY(${v.start}px)`, height: ROW };
          if (!item) {
            return (
              <div key={v.key} role="none" className="change-row pending muted" style={style}>
                Loading…
              </div>
            );
          }
          const delta = sizeDelta(item);
          return (
            <div
              key={v.key}
              id={`${idBase}-${v.index}`}
              role="option"
              aria-selected={item.path === selected}
              aria-label={`${item.change ?? 'unchanged'} ${item.path}`}
              className={`change-row${item.path === selected ? ' selected' : ''}`}
              style={style}
              onClick={() => onSelect(item, false)}
            >
              <span className={item.change === 'removed' ? 'change-path mono gone' : 'change-path mono'}>{item.path}</span>
              <ChangeMark item={item} />
              <span className={`change-size small ${delta > 0 ? 'diff-add' : delta < 0 ? 'diff-del' : 'muted'}`}>{delta !== 0 ? formatSizeDelta(delta) : ''}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
