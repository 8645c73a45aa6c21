import { useEffect, useId, useMemo, useRef, type KeyboardEvent } from 'react';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { PAGE_MAX_LIMIT, type CompareItem } from '@peel/api';
import { Icon } from '../../components/Icon.js';
import { Loading } from '../../components/Loading.js';
import { errorMessage } from '../../lib/api-client.js';
import { formatSizeDelta } from '../../lib/format-size.js';
import { parentPath } from '../../lib/paths.js';
import type { CompareSides } from './compare-params.js';
import { belowText, sideSize, sizeDelta } from './compare-text.js';
import { buildCompareRows, visibleFolders, type CompareListing, type CompareRow } from './compare-tree-rows.js';
import { FIRST_PAGE, folderQueryOptions, loadFolderRows, type TreeFilter } from './api/get-compare-fs.js';
import { ChangeMark } from './ChangeMark.js';

const ROW_HEIGHT = 28;
const HEADER_HEIGHT = 30;
const INDENT = 16;

interface Props {
  sides: CompareSides;
  filter: TreeFilter;
  selected: string | null;
  expanded: ReadonlySet<string>;
  onToggle: (path: string, open?: boolean) => void;
  onSelect: (item: CompareItem, replace: boolean) => void;
}

/**
 * The two merged filesystems as one tree, each entry marked with its change and its size on both
 * sides. Folders load when opened, a page at a time as they scroll into view; only the rows in
 * view are in the DOM.
 */
export function CompareTree({ sides, filter, selected, expanded, onToggle, onSelect }: Props) {
  const folders = useMemo(() => visibleFolders(expanded), [expanded]);
  const client = useQueryClient();
  const results = useQueries({ queries: folders.map((dir) => folderQueryOptions(sides, filter, dir)) });
  const listings = new Map<string, CompareListing>();
  folders.forEach((dir, i) => {
    const r = results[i];
    listings.set(dir, r.data ? { status: 'ready', items: r.data.items, total: r.data.total } : r.isError ? { status: 'error', message: errorMessage(r.error) } : { status: 'loading' });
  });
  const rows = buildCompareRows('/', listings, expanded);
  const selectedIndex = selected === null ? -1 : rows.findIndex((r) => r.kind === 'item' && r.item.path === selected);

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    getItemKey: (i) => rows[i]?.key ?? i,
  });
  const idBase = useId();
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  // A selected path deep in a big folder (a deep link): load its folder until it is there.
  const selectedDir = selected === null ? null : parentPath(selected);
  const selectedListing = selectedDir === null ? undefined : listings.get(selectedDir);
  useEffect(() => {
    if (selectedIndex >= 0 || selectedDir === null || selectedListing?.status !== 'ready' || selectedListing.items.length >= selectedListing.total) return;
    void loadFolderRows(client, sides, filter, selectedDir, selectedListing.items.length + PAGE_MAX_LIMIT);
  });

  const items = virtualizer.getVirtualItems();
  // Rows in view that are not loaded yet: load their folders up to them (and a page beyond).
  useEffect(() => {
    const want = new Map<string, number>();
    for (const item of items) {
      const row = rows[item.index];
      if (row?.kind === 'pending') want.set(row.path, Math.max(want.get(row.path) ?? 0, row.index + 1));
    }
    for (const [dir, upTo] of want) void loadFolderRows(client, sides, filter, dir, upTo + FIRST_PAGE);
  });

  const itemAt = (i: number) => {
    const row = rows[i];
    return row?.kind === 'item' ? row : null;
  };
  const step = (from: number, delta: number) => {
    for (let i = from + delta; i >= 0 && i < rows.length; i += delta) if (itemAt(i)) return i;
    return from;
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const row = selectedIndex >= 0 ? itemAt(selectedIndex) : null;
    let target = -1;
    switch (event.key) {
      case 'ArrowDown':
        target = step(selectedIndex, 1);
        break;
      case 'ArrowUp':
        target = selectedIndex < 0 ? step(-1, 1) : step(selectedIndex, -1);
        break;
      case 'ArrowRight':
        if (row?.expanded === false) onToggle(row.item.path, true);
        else return;
        break;
      case 'ArrowLeft':
        if (row?.expanded === true) onToggle(row.item.path, false);
        else if (row && row.depth > 1) target = rows.findIndex((r) => r.kind === 'item' && r.item.path === parentPath(row.item.path));
        else return;
        break;
      case 'Enter':
      case ' ':
        if (!row) return;
        if (row.expanded !== null) onToggle(row.item.path);
        break;
      default:
        return;
    }
    event.preventDefault();
    const next = target >= 0 ? itemAt(target) : null;
    if (next) onSelect(next.item, true);
  };

  // A tree needs tree items: until the root folder lists some, say what there is instead.
  const root = listings.get('/');
  const note =
    root?.status === 'error' ? `Could not list the differences: ${root.message}` : root?.status === 'ready' && root.total === 0 ? 'No path differs under these filters.' : null;
  if (note) return <p className={root?.status === 'error' ? 'error-note' : 'muted pad'}>{note}</p>;
  if (root?.status !== 'ready') return <Loading lines={6} label="Loading the differences" />;

  return (
    <div ref={scroller} className="tree-scroll">
      <div className="tree-header compare-tree-columns" aria-hidden="true">
        <span className="th">Name</span>
        <span className="th num">A</span>
        <span className="th num">B</span>
        <span className="th num">Δ size</span>
        <span className="th">Changes below</span>
      </div>
      <div
        role="tree"
        aria-label="Tree of differences"
        tabIndex={0}
        className="tree compare-tree-columns"
        aria-activedescendant={selectedIndex >= 0 ? `${idBase}-${selectedIndex}` : undefined}
        onKeyDown={onKeyDown}
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map((v) => (
          <Row
            key={v.key}
            id={`${idBase}-${v.index}`}
            row={rows[v.index] as CompareRow}
            top={v.start - HEADER_HEIGHT}
            selected={v.index === selectedIndex}
            onToggle={onToggle}
            onSelect={(item) => onSelect(item, false)}
          />
        ))}
      </div>
    </div>
  );
}

interface RowProps {
  id: string;
  row: CompareRow;
  top: number;
  selected: boolean;
  onToggle: (path: string) => void;
  onSelect: (item: CompareItem) => void;
}

function Row({ id, row, top, selected, onToggle, onSelect }: RowProps) {
  const style = { transform: `translateY(${top}px)`, height: ROW_HEIGHT };
  if (row.kind !== 'item') {
    const text = row.kind === 'error' ? `Could not list ${row.path}: ${row.message}` : row.kind === 'empty' ? 'No differences here' : 'Loading…';
    return (
      <div role="none" className={`tree-row note ${row.kind}`} style={{ ...style, paddingLeft: 8 + row.depth * INDENT + 20 }}>
        {text}
      </div>
    );
  }
  const { item, depth, expanded } = row;
  const node = item.b ?? item.a;
  const folder = expanded !== null;
  const delta = sizeDelta(item);
  const classes = ['tree-row', 'compare-row'];
  if (selected) classes.push('selected');
  if (item.change) classes.push(`change-${item.change}`);
  else classes.push('unchanged');
  return (
    <div
      id={id}
      role="treeitem"
      aria-label={item.name}
      aria-description={item.change ?? (item.changesBelow > 0 ? `${item.changesBelow} changes below` : 'unchanged')}
      aria-level={depth}
      aria-setsize={row.setsize}
      aria-posinset={row.posinset}
      aria-expanded={folder ? expanded : undefined}
      aria-selected={selected}
      className={classes.join(' ')}
      style={style}
      data-path={item.path}
      onClick={() => {
        if (folder) onToggle(item.path);
        onSelect(item);
      }}
    >
      <div className="tree-cell name-cell" style={{ paddingLeft: 4 + (depth - 1) * INDENT }}>
        <span className={!folder ? 'chevron none' : expanded ? 'chevron open' : 'chevron'}>{folder ? <Icon name="chevron" /> : null}</span>
        <Icon name={node?.type === 'dir' ? (expanded ? 'folder-open' : 'folder') : node?.type === 'symlink' ? 'link' : node?.type === 'file' ? 'file' : 'device'} className={`type-${node?.type ?? 'file'}`} />
        <span className="entry-name">{item.name}</span>
        <ChangeMark item={item} />
      </div>
      <div className="tree-cell num">{item.a && item.a.type !== 'dir' ? sideSize(item.a) : item.a ? '' : '–'}</div>
      <div className="tree-cell num">{item.b && item.b.type !== 'dir' ? sideSize(item.b) : item.b ? '' : '–'}</div>
      <div className={`tree-cell num ${delta > 0 ? 'diff-add' : delta < 0 ? 'diff-del' : 'muted'}`}>{delta !== 0 ? formatSizeDelta(delta) : ''}</div>
      <div className="tree-cell muted small">{belowText(item)}</div>
    </div>
  );
}
