import type { SortKey } from './tree-rows.js';

/** Column titles; name and size sort the tree. Sits above the tree, outside its ARIA structure. */
export function TreeHeader({ sort, onSortChange, showLayer }: { sort: SortKey; onSortChange: (s: SortKey) => void; showLayer: boolean }) {
  return (
    <div className={showLayer ? 'tree-header with-layer' : 'tree-header'}>
      <button type="button" className="th sortable" aria-pressed={sort === 'name'} onClick={() => onSortChange('name')}>
        Name {sort === 'name' ? <span aria-hidden="true">↑</span> : null}
      </button>
      <button type="button" className="th sortable num" aria-pressed={sort === 'size'} onClick={() => onSortChange('size')}>
        {sort === 'size' ? <span aria-hidden="true">↓</span> : null} Size
      </button>
      <span className="th" title="Permissions">Mode</span>
      <span className="th">Owner</span>
      <span className="th">Modified</span>
      {showLayer ? <span className="th">Layer</span> : null}
      <span className="th" title="Link target">Target</span>
    </div>
  );
}
