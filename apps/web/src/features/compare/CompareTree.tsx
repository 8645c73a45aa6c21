import { useMemo, type KeyboardEvent } from 'react';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import type { CompareItem } from '@peel/api';
import { Icon } from '../../components/Icon.js';
import { Loading } from '../../components/Loading.js';
import { HEADER_HEIGHT, queryListing, ROW_HEIGHT, useLazyTree, visibleFolders } from '../files/index.js';
import { formatSizeDelta } from '../../lib/format-size.js';
import { parentPath } from '../../lib/paths.js';
import type { CompareSides } from './compare-params.js';
import { belowText, sideSize, sizeDelta } from './compare-text.js';
import { buildCompareRows, type CompareListing, type CompareRow } from './compare-tree-rows.js';
import { FIRST_PAGE, folderQueryOptions, loadFolderRows, type TreeFilter } from './api/get-compare-fs.js';
import { ChangeMark } from './ChangeMark.js';

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
  const listings = new Map<string, CompareListing>(folders.map((dir, i) => [dir, queryListing('items', results[i])]));
  const rows = buildCompareRows('/', listings, expanded);
  const selectedIndex = selected === null ? -1 : rows.findIndex((r) => r.kind === 'item' && r.item.path === selected);
  const selectedDir = selected === null ? null : parentPath(selected);
  const selectedListing = selectedDir === null ? undefined : listings.get(selectedDir);
  const { scroller, virtualizer, items, rowId, itemAt, step } = useLazyTree({
    rows,
    selectedIndex,
    selectedFolder: selectedDir !== null && selectedListing?.status === 'ready' ? { path: selectedDir, loaded: selectedListing.items.length, total: selectedListing.total } : null,
    firstPage: FIRST_PAGE,
    loadRows: (dir, upTo) => void loadFolderRows(client, sides, filter, dir, upTo),
  });

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
        aria-activedescendant={selectedIndex >= 0 ? rowId(selectedIndex) : undefined}
        onKeyDown={onKeyDown}
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map((v) => (
          <Row
            key={v.key}
            id={rowId(v.index)}
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
