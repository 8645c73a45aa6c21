import type { FsEntry } from '@peel/api';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Icon } from '../../components/Icon.js';
import { Loading } from '../../components/Loading.js';
import { formatSize } from '../../lib/format-size.js';
import { useSearchPaths, useSearchTotal } from './api/search-paths.js';
import { displayName, iconFor } from './entry-labels.js';
import { entryKey, filterMatches } from './tree-rows.js';
import { goneLabel } from './TreeRowView.js';

interface Props {
  imageId: string;
  query: string;
  /** Keep only entries a given layer provided (layer views). */
  layer?: number;
  /** The filesystem as of this layer: keep the versions that were there then. */
  asOf?: number;
  /** Merged view without deleted entries: leave those out. */
  includeGone: boolean;
  /** Lists what is gone too (the link beside "N deleted matches hidden"). */
  onShowGone?: () => void;
  selectedKey: string | null;
  onSelect: (entry: FsEntry) => void;
}

/** Paths matching the filter, as a flat list of full paths. */
export function SearchResults({ imageId, query, layer, asOf, includeGone, onShowGone, selectedKey, onSelect }: Props) {
  // The merged view without what is gone asks for the live paths only (in an image where most
  // matches were deleted, pages of them would show next to nothing), and for the total with the
  // deleted ones apart, to say how many it hides.
  const liveOnly = layer === undefined && asOf === undefined && !includeGone;
  const search = useSearchPaths(imageId, query, !liveOnly);
  const withGone = useSearchTotal(imageId, query, liveOnly);
  const { fetchNextPage, hasNextPage, isFetchingNextPage, isFetchNextPageError, error } = search;
  if (search.isPending) return <Loading lines={4} label="Searching" />;
  if (search.isError) return <ErrorNote error={search.error} title="Search failed" />;
  const all = search.data.pages.flatMap((page) => page.items);
  const total = search.data.pages[0]?.total ?? 0;
  const filtered = filterMatches(all, { layer, asOf, includeGone });
  const items = filtered.shown;
  const goneHidden = liveOnly ? Math.max(0, (withGone.data ?? total) - total) : filtered.goneHidden;
  const where = layer !== undefined ? ` in layer ${layer}` : asOf !== undefined ? ` as of layer ${asOf}` : '';
  return (
    <div className="search-results tree-scroll">
      <p className="search-summary muted small" aria-live="polite">
        {items.length === 0 && !hasNextPage
          ? `No paths match “${query}”${where}${goneHidden > 0 ? '' : '.'}`
          : `${items.length.toLocaleString('en-US')} ${items.length === 1 ? 'match' : 'matches'}${layer !== undefined ? ` from layer ${layer}` : where}${hasNextPage ? ` among the first ${all.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} in the image` : ''}`}
        {goneHidden > 0 ? (
          <>
            {' · '}
            {goneHidden.toLocaleString('en-US')} deleted {goneHidden === 1 ? 'match' : 'matches'} hidden
            {onShowGone ? (
              <>
                {' — '}
                <button type="button" className="link-button" onClick={onShowGone}>
                  show
                </button>
              </>
            ) : null}
          </>
        ) : null}
      </p>
      <div role="tree" aria-label="Matching paths" className="search-list">
        {items.map((item) => {
          const key = entryKey(item);
          const gone = goneLabel(item) ?? (item.deleted ? 'deleted' : null);
          return (
            <div
              key={key}
              role="treeitem"
              aria-level={1}
              aria-label={displayName(item)}
              aria-description={item.path}
              aria-selected={key === selectedKey}
              className={`search-row${key === selectedKey ? ' selected' : ''}${gone ? ' gone' : ''}`}
              onClick={() => onSelect(item)}
            >
              <Icon name={iconFor(item, false)} />
              <span className="entry-name mono">{item.path}</span>
              {gone ? <span className="badge badge-deleted">{gone}</span> : null}
              <span className="layer-chip">L{item.layer}</span>
              <span className="muted small num">{item.type === 'dir' ? '' : formatSize(item.size)}</span>
            </div>
          );
        })}
      </div>
      {hasNextPage ? (
        <button type="button" className="button small load-more" disabled={isFetchingNextPage} onClick={() => fetchNextPage()}>
          {isFetchingNextPage ? 'Loading…' : 'Load more matches'}
        </button>
      ) : null}
      {isFetchNextPageError ? <ErrorNote compact error={error} title="Could not load more matches" /> : null}
    </div>
  );
}
