import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import type { FsEntry } from '@peel/api';
import { parentPath } from '../../lib/paths.js';
import { dirQueryOptions, FIRST_PAGE, loadDirRows, type FsScope } from '../fs/index.js';
import { buildTreeRows, HEADER_HEIGHT, typeAheadIndex, visibleFolders, type Listing, type SortKey, type TreeRow } from './tree-rows.js';
import { TreeHeader } from './TreeHeader.js';
import { TreeRowView } from './TreeRowView.js';
import type { Expanded } from './use-expanded.js';
import { queryListing, useLazyTree } from './use-lazy-tree.js';

interface Props {
  scope: FsScope;
  label: string;
  selectedKey: string | null;
  sort: SortKey;
  onSortChange: (sort: SortKey) => void;
  /** `replace`: a keyboard step, which should not add a history entry per row. */
  onSelect: (entry: FsEntry, options: { replace: boolean }) => void;
  expansion: Expanded;
  /** Folders accept files dropped from the computer (draft view). */
  onDropFiles?: (folder: string, files: File[]) => void;
}

/** How long after a key press the next one still adds to the type-ahead text. */
const TYPE_AHEAD_MS = 800;

/**
 * A lazily loaded, virtualised file tree: one request per opened directory for its first page,
 * further pages as they scroll into view, and only the rows in view are in the DOM, so a
 * directory with 50,000 entries opens and scrolls like one with 5.
 */
export function FileTree({ scope, label, selectedKey, sort, onSortChange, onSelect, expansion, onDropFiles }: Props) {
  const { expanded, toggle } = expansion;
  const dirs = useMemo(() => visibleFolders(expanded), [expanded]);
  const client = useQueryClient();
  const results = useQueries({ queries: dirs.map((dir) => dirQueryOptions(scope, dir, sort)) });
  const listings = new Map<string, Listing>(dirs.map((dir, i) => [dir, queryListing('entries', results[i])]));
  const rows = buildTreeRows('/', listings, expanded);
  const selectedIndex = selectedKey === null ? -1 : rows.findIndex((r) => r.key === selectedKey);
  // (A key may end in @layer for a version that is gone; that never changes its folder.)
  const selectedDir = selectedKey === null ? null : parentPath(selectedKey);
  const selectedListing = selectedDir === null ? undefined : listings.get(selectedDir);
  const { scroller, virtualizer, items, rowId, itemAt: entryAt, step } = useLazyTree({
    rows,
    selectedIndex,
    selectedFolder: selectedDir !== null && selectedListing?.status === 'ready' ? { path: selectedDir, loaded: selectedListing.entries.length, total: selectedListing.total } : null,
    firstPage: FIRST_PAGE,
    loadRows: (dir, upTo) => void loadDirRows(client, scope, dir, sort, upTo),
  });

  const tree = useRef<HTMLDivElement>(null);
  // Arriving at the files (a deep link, a tab or link followed): the keyboard starts in the tree,
  // not twenty Tab presses away. Focus that is in a field or a control of this view stays put.
  useEffect(() => {
    const active = document.activeElement;
    if (!active || active === document.body || active.closest('a')) tree.current?.focus({ preventScroll: true });
  }, []);
  const typed = useRef({ text: '', at: 0 });

  const selectIndex = (i: number) => {
    const row = entryAt(i);
    if (row) onSelect(row.entry, { replace: true });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const current = selectedIndex >= 0 ? selectedIndex : -1;
    const row = current >= 0 ? entryAt(current) : null;
    switch (event.key) {
      case 'ArrowDown':
        selectIndex(current < 0 ? step(-1, 1) : step(current, 1));
        break;
      case 'ArrowUp':
        selectIndex(current < 0 ? step(-1, 1) : step(current, -1));
        break;
      case 'Home':
        selectIndex(step(-1, 1));
        break;
      case 'End':
        // The last rows of a big folder may not be loaded yet: go there, they load in view.
        if (rows.at(-1)?.kind === 'pending') virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
        else selectIndex(step(rows.length, -1));
        break;
      case 'PageDown':
        selectIndex(step(Math.min(rows.length - 1, current + 20) - 1, 1));
        break;
      case 'PageUp':
        selectIndex(step(Math.max(0, current - 20) + 1, -1));
        break;
      case 'ArrowRight':
        if (row?.expanded === false) toggle(row.entry.path, true);
        else if (row?.expanded === true) selectIndex(step(current, 1));
        else return;
        break;
      case 'ArrowLeft':
      case 'Backspace': {
        if (event.key === 'ArrowLeft' && row?.expanded === true) {
          toggle(row.entry.path, false);
          break;
        }
        if (!row) return;
        const parent = parentPath(row.entry.path);
        const parentIndex = rows.findIndex((r) => r.kind === 'entry' && r.entry.path === parent && r.depth === row.depth - 1);
        if (parentIndex >= 0) selectIndex(parentIndex);
        else return;
        break;
      }
      case 'Enter':
      case ' ':
        if (!row) return;
        if (row.expanded !== null) toggle(row.entry.path);
        onSelect(row.entry, { replace: false });
        break;
      default: {
        if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return;
        // Type-ahead, as in a file manager: letters typed in quick succession jump to the next
        // name that starts with them; the same letter again steps to the next such name.
        const now = event.timeStamp;
        const text = now - typed.current.at < TYPE_AHEAD_MS ? typed.current.text + event.key : event.key;
        typed.current = { text, at: now };
        const repeated = text.length > 1 && [...text].every((c) => c === text[0]);
        const found = repeated ? typeAheadIndex(rows, current, text[0], false) : typeAheadIndex(rows, current, text, text.length > 1);
        if (found >= 0) selectIndex(found);
        break;
      }
    }
    event.preventDefault();
  };

  return (
    <div ref={scroller} className="tree-scroll">
      <TreeHeader sort={sort} onSortChange={onSortChange} showLayer={scope.layer === undefined} />
      <div
        ref={tree}
        role="tree"
        aria-label={label}
        tabIndex={0}
        className={scope.layer === undefined ? 'tree with-layer' : 'tree'}
        aria-activedescendant={selectedIndex >= 0 ? rowId(selectedIndex) : undefined}
        onKeyDown={onKeyDown}
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map((item) => {
          const row = rows[item.index] as TreeRow;
          return (
            <TreeRowView
              key={item.key}
              id={rowId(item.index)}
              row={row}
              top={item.start - HEADER_HEIGHT}
              selected={item.index === selectedIndex}
              showLayer={scope.layer === undefined}
              markLayer={scope.asOf}
              onToggle={toggle}
              onSelect={(entry) => onSelect(entry, { replace: false })}
              onDropFiles={onDropFiles}
            />
          );
        })}
      </div>
    </div>
  );
}
