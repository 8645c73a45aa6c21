import type { FsEntry } from '@peel/api';
import { Link } from 'wouter';
import { links } from '../../app/links.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Icon } from '../../components/Icon.js';
import { Loading } from '../../components/Loading.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { formatDateTime } from '../../lib/format-time.js';
import { modeOctal, modeString } from '../../lib/mode-string.js';
import { baseName, parentPath, resolveLinkTarget } from '../../lib/paths.js';
import { EntryActions } from '../draft/index.js';
import { OwningPackages } from '../packages/index.js';
import { FileEditor } from '../editor/index.js';
import { type ContentLayer, contentUrl, FileViewer } from '../viewer/index.js';
import { useEntryVersions, type FsScope } from '../fs/index.js';
import { displayName, hasContent, typeLabel, whiteoutTarget } from './entry-labels.js';
import { isGone } from './tree-rows.js';
import { goneLabel } from './TreeRowView.js';
import { plural } from '../../lib/plural.js';

/** What the merged view lets a person do to the draft from the selected entry. */
export interface EditHooks {
  open: (path: string, options?: { edit?: boolean }) => void;
  /** The selected file is open in the editor. */
  editing: boolean;
  close: () => void;
}

interface Props {
  scope: FsScope;
  path: string | null;
  /** The layer of a version that is gone (merged view). */
  at?: number;
  edit?: EditHooks;
}

/** The selected entry: its metadata, what happened to it, links to follow, and its contents. */
export function EntryDetail({ scope, path, at, edit }: Props) {
  const versions = useEntryVersions(scope, path ?? '/', path !== null && path !== '/');
  if (path === null || path === '/') {
    return (
      <div className="entry-detail empty">
        <p className="muted">Select a file to see its contents and details. Use the arrow keys to move, Enter to open, Backspace to go up.</p>
      </div>
    );
  }
  if (versions.isPending) return <Loading lines={5} label={`Loading ${path}`} />;
  if (versions.isError) return <ErrorNote error={versions.error} title={`Could not read ${parentPath(path)}`} />;
  const entry = versions.data.find((e) => e.path === path && (at === undefined ? !isGone(e) : isGone(e) && e.layer === at));
  if (!entry) {
    return (
      <div className="entry-detail">
        <h2 className="entry-title mono">{path}</h2>
        <p role="alert" className="error-note">
          {scope.layer !== undefined
            ? `${path} is not in layer ${scope.layer}'s own files.`
            : scope.asOf !== undefined
              ? `${path} is not in the filesystem as of layer ${scope.asOf}${at !== undefined ? ` as a version from layer ${at}` : ''}.`
              : `${path} is not in the final filesystem${at !== undefined ? ` as a version from layer ${at}` : ''}.`}
        </p>
        {scope.layer !== undefined ? <Link href={links.files(scope.imageId, { path })}>Look for it in the merged filesystem</Link> : null}
      </div>
    );
  }
  return <EntryPanel scope={scope} entry={entry} edit={edit} />;
}

function EntryPanel({ scope, entry, edit }: { scope: FsScope; entry: FsEntry; edit?: EditHooks }) {
  const gone = goneLabel(entry);
  // Versions that are gone, and what a view as of a layer shows, live on in the layer that wrote them.
  const readLayer: ContentLayer = scope.layer ?? (isGone(entry) || scope.asOf !== undefined ? entry.layer : scope.draft ? 'draft' : undefined);
  const canEdit = edit && !gone && entry.type !== 'whiteout' && entry.type !== 'opaque';
  const editing = canEdit && edit.editing && entry.type === 'file';
  // Made or changed by the draft (what the draft deleted is "gone" instead).
  const edited = entry.edited === true && !gone;
  const linkKind = entry.type === 'symlink' ? 'symlink' : entry.type === 'hardlink' ? 'hardlink' : null;
  const linkTo = linkKind && entry.linkTarget ? resolveLinkTarget(entry.path, entry.linkTarget, linkKind) : null;
  // Symlinks resolve in the final filesystem; hard links point into the same layer.
  const followHref = linkTo
    ? linkKind === 'hardlink' && scope.layer !== undefined
      ? links.layerFiles(scope.imageId, scope.layer, { path: linkTo })
      : links.files(scope.imageId, { path: linkTo })
    : null;
  return (
    <div className="entry-detail">
      <div className="entry-head">
        <h2 className={gone || entry.type === 'whiteout' ? 'entry-title gone' : 'entry-title'}>{displayName(entry)}</h2>
        <div className="entry-actions">
          {followHref ? (
            <Link href={followHref} className="button small">
              Follow link
            </Link>
          ) : null}
          {edited ? (
            <Link href={links.draft(scope.imageId)} className="button small">
              See the draft
            </Link>
          ) : scope.layer === undefined ? (
            <Link href={links.layerFiles(scope.imageId, entry.layer, { path: entry.path })} className="button small">
              Open in layer {entry.layer}
            </Link>
          ) : (
            <Link href={links.files(scope.imageId, { path: entry.path })} className="button small">
              Show in merged view
            </Link>
          )}
          {hasContent(entry) ? (
            <a className="button small" href={contentUrl(scope.imageId, entry.path, readLayer)} download={baseName(entry.path)}>
              <Icon name="download" /> Download
            </a>
          ) : null}
        </div>
      </div>
      <div className="entry-path mono">{entry.path}</div>
      {canEdit && !editing ? <EntryActions key={entry.path} imageId={scope.imageId} entry={entry} onOpen={edit.open} /> : null}
      {gone ? (
        <p className="gone-note">
          This version came from layer {entry.layer} and was {gone}. Its bytes are still in the image.
        </p>
      ) : null}
      <dl className="entry-facts">
        <div>
          <dt>Type</dt>
          <dd>{typeLabel(entry.type)}</dd>
        </div>
        {entry.type !== 'whiteout' && entry.type !== 'opaque' ? (
          <>
            <div>
              <dt>Size</dt>
              <dd title={formatBytesExact(entry.size)}>{entry.type === 'dir' ? '–' : formatSize(entry.size)}</dd>
            </div>
            <div>
              <dt>Permissions</dt>
              <dd className="mono">
                {modeString(entry.type, entry.mode)} <span className="muted">({modeOctal(entry.mode)})</span>
              </dd>
            </div>
            <div>
              <dt>Owner</dt>
              <dd className="mono">
                {entry.uid}:{entry.gid}
              </dd>
            </div>
            <div>
              <dt>Modified</dt>
              <dd>{formatDateTime(entry.mtime)}</dd>
            </div>
          </>
        ) : null}
        <div>
          <dt>From layer</dt>
          <dd>
            {edited ? <span className="badge badge-modified">the draft</span> : <Link href={links.layerFiles(scope.imageId, entry.layer)}>Layer {entry.layer}</Link>}
          </dd>
        </div>
        {/* The packages' ownership is of the final filesystem: asked only there, for what the image holds. */}
        {scope.layer === undefined && scope.asOf === undefined && !scope.draft && !gone && (entry.type === 'file' || entry.type === 'hardlink') ? (
          <div>
            <dt>Package</dt>
            <dd>
              <OwningPackages imageId={scope.imageId} path={entry.path} />
            </dd>
          </div>
        ) : null}
        {entry.linkTarget ? (
          <div>
            <dt>{entry.type === 'hardlink' ? 'Hard link to' : 'Points to'}</dt>
            <dd className="mono">{entry.linkTarget}</dd>
          </div>
        ) : null}
      </dl>
      {editing ? (
        <FileEditor key={entry.path} imageId={scope.imageId} path={entry.path} name={displayName(entry)} edited={edited} onClose={edit.close} />
      ) : (
        <EntryBody scope={scope} entry={entry} readLayer={readLayer} />
      )}
    </div>
  );
}

function EntryBody({ scope, entry, readLayer }: { scope: FsScope; entry: FsEntry; readLayer: ContentLayer }) {
  if (entry.type === 'whiteout') {
    const target = whiteoutTarget(entry);
    return (
      <p className="viewer-note">
        This layer deletes <code>{target}</code> from the layers below.{' '}
        <Link href={links.files(scope.imageId, { path: target, deleted: true })}>See what it deleted</Link>
      </p>
    );
  }
  if (entry.type === 'opaque') {
    return <p className="viewer-note">An opaque marker: everything the lower layers had in <code>{parentPath(entry.path)}</code> is hidden from this layer up.</p>;
  }
  if (entry.type === 'dir') {
    return <p className="viewer-note muted">Directory{entry.childCount !== undefined ? ` with ${plural(entry.childCount, 'entry', 'entries')}` : ''}. Open it in the tree to see inside.</p>;
  }
  if (!hasContent(entry)) return <p className="viewer-note muted">{typeLabel(entry.type)}: no contents to show.</p>;
  return <FileViewer key={`${entry.path}@${readLayer ?? 'merged'}`} imageId={scope.imageId} path={entry.path} layer={readLayer} name={displayName(entry)} />;
}
