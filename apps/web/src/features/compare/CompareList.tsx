import { useEffect } from 'react';
import { PAGE_MAX_LIMIT, type CompareItem } from '@peel/api';
import { PagedList, type PagedListOption } from '../../components/PagedList.js';
import { formatSizeDelta } from '../../lib/format-size.js';
import { sizeDelta } from './compare-text.js';
import { ChangeMark } from './ChangeMark.js';

interface Props {
  items: CompareItem[];
  total: number;
  selected: string | undefined;
  onSelect: (item: CompareItem, replace: boolean) => void;
  onNeedRows: (rows: number) => void;
}

/** The changed paths that match a search, in tree order, virtualised; rows not loaded yet show as "Loading…". */
export function CompareList({ items, total, selected, onSelect, onNeedRows }: Props) {
  // A selected path past the loaded rows (a deep link, a reload far down): load the pages that
  // follow until it is there; the list then brings it into view.
  const missing = selected !== undefined && items.length < total && !items.some((i) => i.path === selected);
  useEffect(() => {
    if (missing) onNeedRows(items.length + PAGE_MAX_LIMIT);
  });
  return <PagedList items={items} total={total} selected={selected} label="Matching changes" onSelect={onSelect} onNeedRows={onNeedRows} option={compareOption} />;
}

function compareOption(item: CompareItem): PagedListOption {
  const delta = sizeDelta(item);
  return {
    label: `${item.change ?? 'unchanged'} ${item.path}`,
    content: (
      <>
        <span className={item.change === 'removed' ? 'change-path mono gone' : 'change-path mono'}>{item.path}</span>
        <ChangeMark item={item} />
        <span className={`change-size small ${delta > 0 ? 'diff-add' : delta < 0 ? 'diff-del' : 'muted'}`}>{delta !== 0 ? formatSizeDelta(delta) : ''}</span>
      </>
    ),
  };
}
