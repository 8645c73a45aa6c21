import { Link, useLocation, useSearchParams } from 'wouter';
import type { CompareItem, CompareSummary } from '@peel/api';
import { useQueryClient } from '@tanstack/react-query';
import { links, type CompareTab } from '../../app/links.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { TabNav } from '../../components/TabNav.js';
import { ApiError } from '../../lib/api-client.js';
import { parentPath } from '../../lib/paths.js';
import { useFilterInput } from '../../lib/use-filter-input.js';
import { useExpanded } from '../files/index.js';
import { useDraftStamp } from '../draft/index.js';
import { useCompareSummary } from './api/get-compare.js';
import { loadChangesRows, useChangesList, useFolder, type ListFilter, type TreeFilter } from './api/get-compare-fs.js';
import { ALL_CHANGES, readCompareParams, sidesOf, swapSides, toggleKind, toParams, type CompareSides, type CompareState } from './compare-params.js';
import { CHANGE_LABEL } from './ChangeMark.js';
import { CompareDetail } from './CompareDetail.js';
import { CompareList } from './CompareList.js';
import { CompareSummaryView } from './CompareSummaryView.js';
import { CompareTree } from './CompareTree.js';
import { ConfigDiff } from './ConfigDiff.js';
import { HistoryDiff } from './HistoryDiff.js';
import { PackagesDiff } from './PackagesDiff.js';
import { SidePickers } from './SidePickers.js';
import './compare.css';

type Go = (next: Partial<CompareState>, options?: { replace?: boolean; tab?: CompareTab }) => void;

/** Two images (or two layers of them) compared: sides, summary, then files, config or history. */
export function ComparePage({ tab }: { tab: CompareTab }) {
  const [search] = useSearchParams();
  const [, navigate] = useLocation();
  const state = readCompareParams(search);
  const go: Go = (next, options = {}) => navigate(links.compare(toParams({ ...state, ...next }), options.tab ?? tab), { replace: options.replace ?? true });
  const sides = sidesOf(state);
  return (
    <main className="compare-page">
      <header className="compare-header">
        <h1>Compare</h1>
        <SidePickers
          a={state.a}
          aLayer={state.aLayer}
          aDraft={state.aDraft}
          b={state.b}
          bLayer={state.bLayer}
          bDraft={state.bDraft}
          onChange={(next) => go({ ...next, path: undefined }, { replace: false })}
          onSwap={() => navigate(links.compare(toParams(swapSides(state)), tab))}
        />
      </header>
      {sides ? (
        <Comparison sides={sides} state={state} tab={tab} go={go} />
      ) : (
        <p className="muted pad">Choose two images to compare (or one image twice, each side as of a different layer).</p>
      )}
    </main>
  );
}

type ComparisonProps = { sides: CompareSides; state: CompareState; tab: CompareTab; go: Go };

/** A draft side is read as its draft stands now: its queries are keyed by the draft's last edit. */
function Comparison(props: ComparisonProps) {
  const { sides } = props;
  const aDraftAt = useDraftStamp(sides.aDraft ? sides.a : null);
  const bDraftAt = useDraftStamp(sides.bDraft ? sides.b : null);
  if ((sides.aDraft && aDraftAt === undefined) || (sides.bDraft && bDraftAt === undefined)) return <Loading lines={4} label="Reading the draft" />;
  return <SidesComparison {...props} sides={{ ...sides, aDraftAt, bDraftAt }} />;
}

function SidesComparison({ sides, state, tab, go }: ComparisonProps) {
  const summary = useCompareSummary(sides, state.mtime);
  if (summary.isPending) return <Loading lines={4} label="Comparing" />;
  if (summary.isError) {
    const layered = sides.aLayer !== undefined || sides.bLayer !== undefined || sides.aDraft === true || sides.bDraft === true;
    return (
      <div className="compare-error">
        <ErrorNote error={summary.error} title="Could not compare these two" onRetry={summary.error instanceof ApiError && summary.error.status < 500 ? undefined : () => summary.refetch()} />
        <p className="actions">
          <Link href={links.home()} className="button">
            Back to the image list
          </Link>
          {layered ? (
            <Link href={links.compare({ a: sides.a, b: sides.b })} className="button">
              Compare the whole images
            </Link>
          ) : null}
        </p>
      </div>
    );
  }
  const data = summary.data;
  const historyChanged = data.history.filter((r) => r.status !== 'same').length;
  const params = toParams(state);
  return (
    <>
      <CompareSummaryView summary={data} mtime={state.mtime} onMtimeChange={(mtime) => go({ mtime })} />
      <TabNav
        label="Comparison views"
        items={[
          { label: 'Files', href: links.compare(params, 'files'), active: tab === 'files' },
          { label: 'Config', href: links.compare(params, 'config'), active: tab === 'config', count: data.config.length },
          { label: 'History', href: links.compare(params, 'history'), active: tab === 'history', count: historyChanged },
          { label: 'Packages', href: links.compare(params, 'packages'), active: tab === 'packages' },
        ]}
      />
      <div className="compare-body">
        {tab === 'files' ? <FilesCompare sides={sides} summary={data} state={state} go={go} /> : null}
        {tab === 'config' ? <ConfigDiff changes={data.config} /> : null}
        {tab === 'history' ? <HistoryDiff rows={data.history} /> : null}
        {tab === 'packages' ? <PackagesDiff sides={sides} /> : null}
      </div>
    </>
  );
}

function FilesCompare({ sides, summary, state, go }: { sides: CompareSides; summary: CompareSummary; state: CompareState; go: Go }) {
  const client = useQueryClient();
  const expansion = useExpanded(state.path ?? null);
  const filter = useFilterInput(state.q, (q) => go({ q }));
  const treeFilter: TreeFilter = { kinds: state.kinds, sort: state.sort, unchanged: state.unchanged, mtime: state.mtime };
  const listFilter: ListFilter = { kinds: state.kinds, q: state.q, mtime: state.mtime };
  const searching = state.q !== '';
  const list = useChangesList(sides, listFilter, searching);
  // The selected path's item comes from its folder's listing (the tree loads that folder anyway).
  const folder = useFolder(sides, treeFilter, parentPath(state.path ?? '/'), !searching && state.path !== undefined);
  const selected: CompareItem | undefined = searching ? list.data?.items.find((i) => i.path === state.path) : folder.data?.items.find((i) => i.path === state.path);
  const fs = summary.fs;
  const counts = { added: fs.added.count, removed: fs.removed.count, modified: fs.modified.count, type: fs.type.count, metadata: fs.metadata.count + (state.mtime ? fs.mtimeOnly.count : 0) };
  const select = (item: CompareItem, replace: boolean) => go({ path: item.path }, { replace });

  return (
    <div className="files-view compare-files">
      <section className="tree-pane" aria-label="Differences">
        <div className="tree-toolbar">
          <div className="segmented" role="group" aria-label="Change kinds">
            {ALL_CHANGES.map((kind) => (
              <button key={kind} type="button" className={`kind-toggle compare-kind-${kind}`} aria-pressed={state.kinds.includes(kind)} onClick={() => go({ kinds: toggleKind(state.kinds, kind) })}>
                {CHANGE_LABEL[kind]} <span className="tab-count">{counts[kind].toLocaleString('en-US')}</span>
              </button>
            ))}
          </div>
          <input type="search" className="filter-input" placeholder="Search changed paths" aria-label="Search changed paths" value={filter.text} onChange={(e) => filter.onChange(e.target.value)} />
          <div className="segmented" role="group" aria-label="Sort">
            <button type="button" aria-pressed={state.sort === 'name'} onClick={() => go({ sort: 'name' })} disabled={searching}>
              By name
            </button>
            <button type="button" aria-pressed={state.sort === 'delta'} onClick={() => go({ sort: 'delta' })} disabled={searching}>
              By size change
            </button>
          </div>
          <label className="toggle">
            <input type="checkbox" checked={state.unchanged} disabled={searching} onChange={(e) => go({ unchanged: e.target.checked })} />
            Show unchanged
          </label>
        </div>
        {searching ? (
          <>
            {list.isPending ? <Loading lines={6} label="Searching the changes" /> : null}
            {list.isError ? <ErrorNote error={list.error} title="Could not search the changes" onRetry={() => list.refetch()} /> : null}
            {list.data ? (
              <p className="muted small pad search-summary" role="status">
                {list.data.total.toLocaleString('en-US')} changed {list.data.total === 1 ? 'path matches' : 'paths match'} “{state.q}”
              </p>
            ) : null}
            {list.data && list.data.total > 0 ? (
              <CompareList items={list.data.items} total={list.data.total} selected={state.path} onSelect={select} onNeedRows={(rows) => void loadChangesRows(client, sides, listFilter, rows)} />
            ) : null}
          </>
        ) : (
          <CompareTree sides={sides} filter={treeFilter} selected={state.path ?? null} expanded={expansion.expanded} onToggle={expansion.toggle} onSelect={select} />
        )}
      </section>
      <section className="detail-pane" aria-label="Selected path">
        {selected ? (
          <CompareDetail key={selected.path} a={summary.a} b={summary.b} item={selected} view={state.view} onViewChange={(view) => go({ view })} />
        ) : (
          <div className="entry-detail empty">
            <p className="muted">
              {!state.path
                ? 'Select a path to see how it differs: text as a diff, binaries by digest and hex, attributes field by field.'
                : (searching ? list.data?.next : folder.data?.next) !== null
                  ? `Looking for ${state.path}…`
                  : `${state.path} is not among the differences shown.`}
            </p>
          </div>
        )}
      </section>
    </div>
  );
}
