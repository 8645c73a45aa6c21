import type { ReactNode } from 'react';
import { useLocation } from 'wouter';
import type { FsEntry } from '@peel/api';
import type { FilesParams } from '../../app/links.js';
import { parentPath } from '../../lib/paths.js';
import { FolderActions, useUploadInto } from '../draft/index.js';
import { useEntryVersions, type FsScope } from '../fs/index.js';
import { EntryDetail } from './EntryDetail.js';
import { FileTree } from './FileTree.js';
import { SearchResults } from './SearchResults.js';
import { isGone } from './tree-rows.js';
import { useExpanded } from './use-expanded.js';
import { useFilterInput } from '../../lib/use-filter-input.js';

interface Props {
  scope: FsScope;
  params: FilesParams;
  makeUrl: (params: FilesParams) => string;
  label: string;
  /** The merged view of an image: edits go to its draft. */
  editable?: boolean;
  /** A line above the tree saying what it shows. */
  note?: ReactNode;
}

/** A file tree beside the selected entry's details; everything that matters is in the URL. */
export function FilesView({ scope, params, makeUrl, label, editable = false, note }: Props) {
  const [, navigate] = useLocation();
  // The merged filesystem, final or as of a layer: versions that are gone can be listed too.
  const merged = scope.layer === undefined;
  const path = params.path ?? null;
  const selectedKey = path === null ? null : params.at !== undefined ? `${path}@${params.at}` : path;
  const expansion = useExpanded(path);
  const filter = useFilterInput(params.q ?? '', (q) => navigate(makeUrl({ ...params, q }), { replace: true }));

  const select = (entry: FsEntry, { replace }: { replace: boolean }) =>
    navigate(makeUrl({ ...params, path: entry.path, at: merged && isGone(entry) ? entry.layer : undefined, edit: false }), { replace });

  const uploads = useUploadInto(scope.imageId);
  const open = (target: string, options: { edit?: boolean } = {}) => navigate(makeUrl({ ...params, path: target, at: undefined, edit: options.edit }));
  // New things go into the selected folder, or beside the selected file.
  const versions = useEntryVersions(scope, path ?? '/', editable && path !== null && path !== '/');
  const selected = versions.data?.find((e) => e.path === path && !isGone(e));
  const folder = path === null ? '/' : selected?.type === 'dir' || path === '/' ? path : parentPath(path);

  return (
    <div className="files-view">
      <section className="tree-pane" aria-label={label}>
        <div className="tree-toolbar">
          <input
            type="search"
            className="filter-input"
            placeholder="Filter paths: os-release, *.conf, /etc/**"
            aria-label="Filter paths"
            value={filter.text}
            onChange={(event) => filter.onChange(event.target.value)}
          />
          {merged ? (
            <label className="toggle">
              <input
                type="checkbox"
                checked={!!params.deleted}
                onChange={(event) => navigate(makeUrl({ ...params, deleted: event.target.checked, at: event.target.checked ? params.at : undefined }), { replace: true })}
              />
              {scope.asOf !== undefined ? `Show what layer ${scope.asOf} deleted or overwrote` : 'Show deleted and overwritten'}
            </label>
          ) : null}
          <button type="button" className="button small" onClick={expansion.collapseAll}>
            Collapse all
          </button>
        </div>
        {editable ? <FolderActions imageId={scope.imageId} folder={folder} uploads={uploads} onOpen={open} /> : null}
        {note}
        {params.q ? (
          <SearchResults
            imageId={scope.imageId}
            query={params.q}
            layer={scope.layer}
            asOf={scope.asOf}
            includeGone={!merged || !!params.deleted}
            onShowGone={merged ? () => navigate(makeUrl({ ...params, deleted: true }), { replace: true }) : undefined}
            selectedKey={selectedKey}
            onSelect={(entry) => select(entry, { replace: false })}
          />
        ) : (
          <FileTree
            scope={scope}
            label={label}
            selectedKey={selectedKey}
            sort={params.sort ?? 'name'}
            onSortChange={(sort) => navigate(makeUrl({ ...params, sort }), { replace: true })}
            onSelect={select}
            expansion={expansion}
            onDropFiles={editable ? (dir, files) => void uploads.upload(dir, files) : undefined}
          />
        )}
      </section>
      <section className="detail-pane" aria-label="Selected entry">
        <EntryDetail
          scope={params.at !== undefined ? { ...scope, deleted: true } : scope}
          path={path}
          at={params.at}
          edit={editable ? { open, editing: !!params.edit, close: () => navigate(makeUrl({ ...params, edit: false }), { replace: true }) } : undefined}
        />
      </section>
    </div>
  );
}
