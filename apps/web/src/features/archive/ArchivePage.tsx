import { useMemo } from 'react';
import { Link, useLocation, useSearchParams } from 'wouter';
import type { ArchiveEntry, ImageDetail } from '@peel/api';
import { links } from '../../app/links.js';
import { Badge } from '../../components/Badge.js';
import { Digest } from '../../components/Digest.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Icon } from '../../components/Icon.js';
import { Loading } from '../../components/Loading.js';
import { looksLikeText } from '../../lib/binary.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { hexDumpText } from '../../lib/hexdump.js';
import { useCurrentImage } from '../images/index.js';
import { archiveLinkResolver } from './digest-links.js';
import { JsonViewer } from '../json/index.js';
import { archiveContentUrl, useArchiveContent } from './api/get-archive-content.js';
import { useArchive } from './api/get-archive.js';
import { buildArchiveTree, cleanArchivePath, isJsonRole, roleTone } from './archive-tree.js';
import { ArchiveTree } from './ArchiveTree.js';

/** Inside the box: the archive's own files, their roles, and JSON documents with linked digests. */
export function ArchivePage() {
  const image = useCurrentImage();
  const archive = useArchive(image.id);
  const [search] = useSearchParams();
  const [, navigate] = useLocation();
  const selectedPath = search.get('path');
  const tree = useMemo(() => buildArchiveTree(archive.data ?? []), [archive.data]);
  const selected = archive.data?.find((e) => cleanArchivePath(e.path) === selectedPath) ?? null;
  return (
    <div className="files-view archive-view">
      <section className="tree-pane" aria-label="Archive files">
        {archive.isPending ? <Loading lines={6} label="Loading the archive's files" /> : null}
        {archive.isError ? <ErrorNote error={archive.error} title="Could not list the archive" onRetry={() => archive.refetch()} /> : null}
        {archive.data ? (
          <div className="tree-scroll">
            <ArchiveTree nodes={tree} selected={selectedPath} onSelect={(_entry, path) => navigate(links.archive(image.id, path))} />
          </div>
        ) : null}
      </section>
      <section className="detail-pane" aria-label="Selected archive file">
        {selected ? (
          <ArchiveEntryView key={selected.path} image={image} entry={selected} archive={archive.data ?? []} />
        ) : (
          <div className="entry-detail empty">
            <p className="muted">
              {selectedPath && archive.data ? `${selectedPath} is not in this archive.` : 'Select a file of the archive: manifests, the config and the index open as JSON; layers link to their files.'}
            </p>
          </div>
        )}
      </section>
    </div>
  );
}

function ArchiveEntryView({ image, entry, archive }: { image: ImageDetail; entry: ArchiveEntry; archive: ArchiveEntry[] }) {
  const path = cleanArchivePath(entry.path);
  const isLayer = entry.role === 'layer' && entry.layer !== undefined;
  const wantsContent = entry.type === 'file' && entry.role !== 'layer';
  const content = useArchiveContent(image.id, wantsContent ? entry.path : null);
  const resolve = useMemo(() => archiveLinkResolver(image, archive), [image, archive]);
  return (
    <div className="entry-detail">
      <div className="entry-head">
        <h2 className="entry-title mono">{path.split('/').pop()}</h2>
        <Badge tone={roleTone(entry.role)}>{entry.label ?? entry.role}</Badge>
        <div className="entry-actions">
          {isLayer ? (
            <Link href={links.layerFiles(image.id, entry.layer as number)} className="button small">
              Open layer {entry.layer}
            </Link>
          ) : null}
          {entry.role === 'config' ? (
            <Link href={links.config(image.id)} className="button small">
              Readable config
            </Link>
          ) : null}
          {entry.type === 'file' ? (
            <a className="button small" href={archiveContentUrl(image.id, entry.path)} download={path.split('/').pop()}>
              <Icon name="download" /> Download
            </a>
          ) : null}
        </div>
      </div>
      <div className="entry-path mono">{path}</div>
      <dl className="entry-facts">
        <div>
          <dt>Size</dt>
          <dd title={formatBytesExact(entry.size)}>{formatSize(entry.size)}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{entry.role}</dd>
        </div>
        {entry.digest ? (
          <div>
            <dt>Digest</dt>
            <dd>
              <Digest value={entry.digest} />
            </dd>
          </div>
        ) : null}
        {entry.mediaType ? (
          <div>
            <dt>Media type</dt>
            <dd className="mono small">{entry.mediaType}</dd>
          </div>
        ) : null}
        {entry.linkTarget ? (
          <div>
            <dt>Link to</dt>
            <dd className="mono">{entry.linkTarget}</dd>
          </div>
        ) : null}
      </dl>
      {isLayer ? <p className="viewer-note">A layer blob: a {entry.mediaType?.includes('gzip') ? 'gzip-compressed ' : entry.mediaType?.includes('zstd') ? 'zstd-compressed ' : ''}tar of the files this layer adds, changes and deletes.</p> : null}
      {wantsContent && content.isPending ? <Loading lines={8} label={`Loading ${path}`} /> : null}
      {content.isError ? <ErrorNote error={content.error} title={`Could not read ${path}`} /> : null}
      {content.data ? <ArchiveContentView entry={entry} bytes={content.data.bytes} truncated={content.data.truncated} resolve={resolve} /> : null}
    </div>
  );
}

function ArchiveContentView({ entry, bytes, truncated, resolve }: { entry: ArchiveEntry; bytes: Uint8Array; truncated: boolean; resolve: ReturnType<typeof archiveLinkResolver> }) {
  const text = looksLikeText(bytes) ? new TextDecoder().decode(bytes) : null;
  if (text !== null && !truncated && isJsonRole(entry)) {
    try {
      return <JsonViewer value={JSON.parse(text)} resolveLink={resolve} label={`${entry.path} JSON`} />;
    } catch {
      // Not valid JSON after all: show it as text below.
    }
  }
  return (
    <div className="archive-raw">
      {truncated ? <p className="muted small">Showing the first {formatSize(bytes.length)}.</p> : null}
      <pre className="raw-text">{text ?? hexDumpText(bytes.subarray(0, 64 * 1024))}</pre>
    </div>
  );
}
