import { useLocation, useSearchParams } from 'wouter';
import type { ChangeKind, LayerChange } from '@peel/api';
import { useQueryClient } from '@tanstack/react-query';
import { links } from '../../app/links.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { useCurrentImage } from '../images/index.js';
import { useFilterInput } from '../../lib/use-filter-input.js';
import { loadChangeRows, useChange, useChanges } from './api/get-changes.js';
import { ChangeDetail } from './ChangeDetail.js';
import { ChangeList } from './ChangeList.js';
import { ALL_KINDS, kindsParam, readChangesParams, type ChangesState } from './changes-params.js';

const KIND_LABEL: Record<ChangeKind, string> = { added: 'Added', modified: 'Modified', deleted: 'Deleted' };

/** What a layer did to the filesystem below it: the list on the left, the selected change on the right. */
export function ChangesView({ layer }: { layer: number }) {
  const image = useCurrentImage();
  const [, navigate] = useLocation();
  const [search] = useSearchParams();
  const state = readChangesParams(search);
  const filterBy = { kinds: state.kinds, q: state.q };
  const changes = useChanges(image.id, layer, filterBy);
  const selectedChange = useChange(image.id, layer, state.path);
  const client = useQueryClient();
  const go = (next: Partial<ChangesState>, replace = true) => {
    const merged = { ...state, ...next };
    navigate(links.layerChanges(image.id, layer, { path: merged.path, kinds: kindsParam(merged.kinds), q: merged.q || undefined, view: merged.view === 'unified' ? 'unified' : undefined }), { replace });
  };
  const filter = useFilterInput(state.q, (q) => go({ q }));

  // The server filters and counts; the list holds the pages loaded so far.
  const counts = changes.data?.counts ?? { added: 0, modified: 0, deleted: 0 };
  const none = counts.added + counts.modified + counts.deleted === 0;
  const shown = changes.data?.items ?? [];
  const total = changes.data?.total ?? 0;
  const selected = selectedChange.data ?? undefined;

  const toggleKind = (kind: ChangeKind) => {
    const on = state.kinds.includes(kind);
    const kinds = on ? state.kinds.filter((k) => k !== kind) : [...state.kinds, kind];
    go({ kinds: kinds.length ? kinds : ALL_KINDS });
  };

  return (
    <div className="files-view changes-view">
      <section className="tree-pane" aria-label={`Changes in layer ${layer}`}>
        <div className="tree-toolbar">
          <div className="segmented" role="group" aria-label="Change kinds">
            {ALL_KINDS.map((kind) => (
              <button key={kind} type="button" className={`kind-toggle kind-${kind}`} aria-pressed={state.kinds.includes(kind)} onClick={() => toggleKind(kind)}>
                {KIND_LABEL[kind]} <span className="tab-count">{counts[kind]}</span>
              </button>
            ))}
          </div>
          <input type="search" className="filter-input" placeholder="Filter paths" aria-label="Filter changed paths" value={filter.text} onChange={(e) => filter.onChange(e.target.value)} />
        </div>
        {changes.isPending ? <Loading lines={6} label="Loading changes" /> : null}
        {changes.isError ? <ErrorNote error={changes.error} title={`Could not list the changes of layer ${layer}`} onRetry={() => changes.refetch()} /> : null}
        {changes.data && none && !state.q ? <p className="muted pad">This layer changes nothing in the filesystem.</p> : null}
        {changes.data && total === 0 && !(none && !state.q) ? <p className="muted pad">No changes match the filter.</p> : null}
        {total > 0 ? (
          <ChangeList
            changes={shown}
            total={total}
            selected={state.path}
            onSelect={(c: LayerChange, replace) => go({ path: c.path }, replace)}
            onNeedRows={(rows) => void loadChangeRows(client, image.id, layer, filterBy, rows)}
          />
        ) : null}
      </section>
      <section className="detail-pane" aria-label="Selected change">
        {selected ? (
          <ChangeDetail key={selected.path} imageId={image.id} layer={layer} change={selected} view={state.view} onViewChange={(view) => go({ view })} />
        ) : (
          <div className="entry-detail empty">
            <p className="muted">{state.path && selectedChange.data === null ? `${state.path} is not changed by layer ${layer}.` : 'Select a change to see it. Modified text files show a diff against the layer below.'}</p>
          </div>
        )}
      </section>
    </div>
  );
}
