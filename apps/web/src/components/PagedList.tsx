import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';

/** The height of a row of a paged list, px. */
export const PAGED_ROW = 30;
/** Rows loaded beyond the last one in view, so steady scrolling rarely meets a pending row. */
const ROWS_AHEAD = 500;

/**
 * The virtualiser of a list loaded a page at a time: the scroll element's ref, the rows in view
 * (rows not loaded yet among them), and a call for more rows as rows past the loaded ones scroll
 * into view.
 */
export function usePagedRows(loaded: number, total: number, onNeedRows: (rows: number) => void) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: Math.max(total, loaded), getScrollElement: () => scroller.current, estimateSize: () => PAGED_ROW, overscan: 10 });
  const inView = virtualizer.getVirtualItems();
  const lastInView = inView.length > 0 ? inView[inView.length - 1].index : -1;
  useEffect(() => {
    if (lastInView >= loaded) onNeedRows(lastInView + 1 + ROWS_AHEAD);
  });
  return { scroller, virtualizer, inView };
}

/** What one loaded row shows: its accessible name, extra classes and its cells. */
export interface PagedListOption {
  label: string;
  className?: string;
  content: ReactNode;
}

interface Props<T extends { path: string }> {
  /** The rows loaded so far, in the list's order. */
  items: T[];
  /** Rows of the whole list: the scroll area has their height from the first page on. */
  total: number;
  /** Path of the selected row. */
  selected: string | undefined;
  /** The list's accessible name. */
  label: string;
  onSelect: (item: T, replace: boolean) => void;
  /** Rows up to this count scrolled into view: load them. */
  onNeedRows: (rows: number) => void;
  option: (item: T) => PagedListOption;
}

/**
 * A virtualised list of paths loaded a page at a time, one selectable at a time (arrow keys step
 * through it). Rows not loaded yet show as "Loading…".
 */
export function PagedList<T extends { path: string }>({ items, total, selected, label, onSelect, onNeedRows, option }: Props<T>) {
  const { scroller, virtualizer, inView } = usePagedRows(items.length, total, onNeedRows);
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
    <div ref={scroller} className="change-scroll" role="listbox" aria-label={label} tabIndex={0} onKeyDown={onKeyDown} aria-activedescendant={index >= 0 ? `${idBase}-${index}` : undefined}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {inView.map((v) => {
          const item = items[v.index];
          const style = { transform: `translateY(${v.start}px)`, height: PAGED_ROW };
          if (!item) {
            return (
              <div key={v.key} role="none" className="change-row pending muted" style={style}>
                Loading…
              </div>
            );
          }
          const isSelected = item.path === selected;
          const { label: itemLabel, className, content } = option(item);
          return (
            <div
              key={v.key}
              id={`${idBase}-${v.index}`}
              role="option"
              aria-selected={isSelected}
              aria-label={itemLabel}
              className={`change-row${className ? ` ${className}` : ''}${isSelected ? ' selected' : ''}`}
              style={style}
              onClick={() => onSelect(item, false)}
            >
              {content}
            </div>
          );
        })}
      </div>
    </div>
  );
}
