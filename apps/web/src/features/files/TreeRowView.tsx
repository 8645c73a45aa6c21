import { memo, useState, type DragEvent } from 'react';
import type { FsEntry } from '@peel/api';
import { Icon } from '../../components/Icon.js';
import { formatBytesExact, formatCount, formatSize } from '../../lib/format-size.js';
import { formatDateTime } from '../../lib/format-time.js';
import { hasSpecialBits, modeOctal, modeString } from '../../lib/mode-string.js';
import { displayName, iconFor } from './entry-labels.js';
import { ROW_HEIGHT, type TreeRow } from './tree-rows.js';
import { plural, pluralNoun } from '../../lib/plural.js';

interface Props {
  id: string;
  row: TreeRow;
  top: number;
  selected: boolean;
  showLayer: boolean;
  /** The filesystem as of this layer: what it wrote is marked. */
  markLayer?: number;
  onToggle: (path: string) => void;
  onSelect: (entry: FsEntry) => void;
  /** When set, folders accept files dropped from the computer (the draft's upload). */
  onDropFiles?: (folder: string, files: File[]) => void;
}

const INDENT = 16;

/** What happened to an entry that is not in the final filesystem, in words. */
export function goneLabel(entry: FsEntry): string | null {
  if (entry.edited && entry.deletedBy !== undefined && entry.deletedBy !== null) return 'deleted by the draft';
  if (entry.deletedBy !== undefined && entry.deletedBy !== null) return `deleted by layer ${entry.deletedBy}`;
  if (entry.overwrittenBy !== undefined && entry.overwrittenBy !== null) return `overwritten by layer ${entry.overwrittenBy}`;
  return null;
}

/** One row of the file tree: an entry with its columns, or a loading/empty/error line. */
export const TreeRowView = memo(function TreeRowView({ id, row, top, selected, showLayer, markLayer, onToggle, onSelect, onDropFiles }: Props) {
  const [dropping, setDropping] = useState(false);
  const style = { transform: `translateY(${top}px)`, height: ROW_HEIGHT };
  if (row.kind !== 'entry') {
    const text = row.kind === 'error' ? `Could not list ${row.path}: ${row.message}` : row.kind === 'loading' || row.kind === 'pending' ? 'Loading…' : 'Empty directory';
    return (
      <div role="none" className={`tree-row note ${row.kind}`} style={{ ...style, paddingLeft: 8 + row.depth * INDENT + 20 }}>
        {text}
      </div>
    );
  }
  const { entry, depth, expanded } = row;
  const gone = goneLabel(entry);
  const isWhiteout = entry.type === 'whiteout' || entry.type === 'opaque';
  const name = displayName(entry);
  const classes = ['tree-row'];
  if (selected) classes.push('selected');
  if (gone) classes.push('gone');
  if (isWhiteout) classes.push('whiteout');
  // What the draft deleted says so as "gone"; "edited" marks what it made or changed.
  const edited = entry.edited === true && !gone;
  if (edited) classes.push('edited');
  if (dropping) classes.push('drop-target');
  // As of a layer, a file it wrote (added or changed) stands out; its folders only by their chip.
  const writtenHere = markLayer !== undefined && !gone && entry.layer === markLayer;
  if (writtenHere && entry.type !== 'dir') classes.push('written-here');
  const description = gone ?? (entry.type === 'whiteout' ? 'whiteout: deleted in this layer' : entry.type === 'opaque' ? 'opaque: hides lower contents' : edited ? 'edited in the draft' : writtenHere && entry.type !== 'dir' ? `written by layer ${markLayer}` : undefined);
  const acceptsFiles = onDropFiles && entry.type === 'dir' && !gone;
  const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer.types).includes('Files');
  // Dragover and drop still bubble to the page-wide image drop, which stands aside for folders.
  const dropProps = acceptsFiles
    ? {
        'data-drop-folder': entry.path,
        onDragOver: (event: DragEvent) => {
          if (!hasFiles(event)) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
          setDropping(true);
        },
        onDragLeave: () => setDropping(false),
        onDrop: (event: DragEvent) => {
          if (!hasFiles(event)) return;
          event.preventDefault();
          setDropping(false);
          const files = Array.from(event.dataTransfer.files);
          if (files.length) onDropFiles(entry.path, files);
        },
      }
    : {};
  return (
    <div
      id={id}
      role="treeitem"
      aria-label={name}
      aria-description={description}
      aria-level={depth}
      aria-setsize={row.setsize}
      aria-posinset={row.posinset}
      aria-expanded={expanded === null ? undefined : expanded}
      aria-selected={selected}
      className={classes.join(' ')}
      style={style}
      data-path={entry.path}
      {...dropProps}
      onClick={() => {
        if (expanded !== null) onToggle(entry.path);
        onSelect(entry);
      }}
    >
      <div className="tree-cell name-cell" style={{ paddingLeft: 4 + (depth - 1) * INDENT }}>
        <span
          className={expanded === null ? 'chevron none' : expanded ? 'chevron open' : 'chevron'}
          onClick={(event) => {
            if (expanded === null) return;
            event.stopPropagation();
            onToggle(entry.path);
          }}
        >
          {expanded === null ? null : <Icon name="chevron" />}
        </span>
        <Icon name={iconFor(entry, expanded)} className={`type-${entry.type}`} />
        <span className="entry-name">{name}</span>
        {entry.type === 'whiteout' ? <span className="badge badge-deleted">deleted here</span> : null}
        {entry.type === 'opaque' ? <span className="badge badge-deleted">opaque: hides lower files</span> : null}
        {gone ? <span className="badge badge-deleted">{gone}</span> : null}
        {edited ? <span className="badge badge-modified">edited</span> : null}
        {writtenHere && entry.type !== 'dir' ? <span className="badge badge-modified">this layer</span> : null}
        {dropping ? <span className="badge badge-accent">drop to upload here</span> : null}
        {hasSpecialBits(entry.mode) && entry.type !== 'symlink' ? (
          <span className="badge badge-warning" title={`mode ${modeOctal(entry.mode)}`}>
            {entry.mode & 0o4000 ? 'setuid' : entry.mode & 0o2000 ? 'setgid' : 'sticky'}
          </span>
        ) : null}
      </div>
      <div className="tree-cell num">{isWhiteout ? '' : entry.type === 'dir' ? <FolderSize entry={entry} /> : formatSize(entry.size)}</div>
      <div className="tree-cell mono" title={modeOctal(entry.mode)}>
        {isWhiteout ? '' : modeString(entry.type, entry.mode)}
      </div>
      <div className="tree-cell mono">{isWhiteout ? '' : `${entry.uid}:${entry.gid}`}</div>
      <div className="tree-cell muted">{formatDateTime(entry.mtime)}</div>
      {showLayer ? (
        <div className="tree-cell">
          {edited ? (
            <span className="layer-chip draft" title="Made or changed by the draft">draft</span>
          ) : (
            <span className={writtenHere ? 'layer-chip here' : 'layer-chip'}>L{entry.layer}</span>
          )}
        </div>
      ) : null}
      <div className="tree-cell link-target mono">{entry.linkTarget ? `→ ${entry.linkTarget}` : ''}</div>
    </div>
  );
});

/** A folder's size column: the bytes below it where the listing knows them, else how many entries it holds. */
function FolderSize({ entry }: { entry: FsEntry }) {
  const count = entry.childCount;
  const items = count === undefined ? null : plural(count, 'entry', 'entries');
  if (entry.bytesBelow !== undefined) {
    return <span title={`${formatBytesExact(entry.bytesBelow)} of files below${items ? ` · ${items}` : ''}`}>{formatSize(entry.bytesBelow)}</span>;
  }
  if (count === undefined) return null;
  return (
    <span className="muted" title={items ?? undefined}>
      {formatCount(count)} {pluralNoun(count, 'item')}
    </span>
  );
}
