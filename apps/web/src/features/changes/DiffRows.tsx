import { useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { SideLine, SplitRow, UnifiedRow } from '../../lib/diff-rows.js';
import { plural } from '../../lib/plural.js';

const ROW = 20;
const SIGN = { add: '+', del: '−', context: ' ' } as const;

function Side({ line, side }: { line: SideLine | null; side: 'old' | 'new' }) {
  if (!line) return <div role="cell" className={`diff-side empty ${side}`} />;
  return (
    <div role="cell" className={`diff-side ${side} line-${line.kind}`}>
      <span className="diff-no">{line.no}</span>
      <span className="diff-sign">{SIGN[line.kind]}</span>
      <span className="diff-text">{line.text}</span>
    </div>
  );
}

/** Diff lines, virtualised: side by side when `split` is given, unified otherwise. */
export function DiffRows({ unified, split, oldLabel, newLabel }: { unified: UnifiedRow[]; split: SplitRow[] | null; oldLabel: string; newLabel: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const count = split ? split.length : unified.length;
  // Long lines wrap, so rows are measured after rendering instead of assumed one line high.
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 20 });
  const measure = virtualizer.measureElement;
  return (
    <div className="diff-rows" role="table" aria-label={split ? 'Side-by-side diff' : 'Unified diff'}>
      <div className="diff-head" role="row">
        {split ? (
          <>
            <span role="columnheader">{oldLabel} (before)</span>
            <span role="columnheader">{newLabel} (after)</span>
          </>
        ) : (
          <span role="columnheader">
            {oldLabel} → {newLabel}
          </span>
        )}
      </div>
      <div ref={scroller} className="diff-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: '100%' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const style = { transform: `translateY(${item.start}px)` };
            const common = { 'data-index': item.index, ref: measure, role: 'row', style };
            if (split) {
              const row = split[item.index];
              if (row.kind === 'gap') {
                return (
                  <div key={item.key} {...common} className="diff-row gap">
                    <span role="cell">⋯ {plural(row.count, 'unchanged line')}</span>
                  </div>
                );
              }
              return (
                <div key={item.key} {...common} className="diff-row split">
                  <Side line={row.left} side="old" />
                  <Side line={row.right} side="new" />
                </div>
              );
            }
            const row = unified[item.index];
            if (row.kind === 'gap') {
              return (
                <div key={item.key} {...common} className="diff-row gap">
                  <span role="cell">⋯ {plural(row.count, 'unchanged line')}</span>
                </div>
              );
            }
            return (
              <div key={item.key} {...common} className={`diff-row unified line-${row.kind}`}>
                <span role="cell" className="diff-no">{row.oldNo ?? ''}</span>
                <span role="cell" className="diff-no">{row.newNo ?? ''}</span>
                <span role="cell" className="diff-sign">{SIGN[row.kind]}</span>
                <span role="cell" className="diff-text">{row.text}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
