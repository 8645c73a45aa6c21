import { useState } from 'react';
import type { ArchiveEntry } from '@peel/api';
import { Badge } from '../../components/Badge.js';
import { Icon } from '../../components/Icon.js';
import { formatSize } from '../../lib/format-size.js';
import { roleTone, type ArchiveNode } from './archive-tree.js';

interface Props {
  nodes: ArchiveNode[];
  selected: string | null;
  onSelect: (entry: ArchiveEntry, path: string) => void;
}

/** Shortens 64-hex blob names so the role badge stays visible. */
function shortName(name: string): string {
  return /^[a-f0-9]{64}(\.\w+)?$/.test(name) ? `${name.slice(0, 12)}…${name.slice(64)}` : name;
}

/** The archive's own files (small: a few dozen entries), fully open by default. */
export function ArchiveTree({ nodes, selected, onSelect }: Props) {
  return (
    <div role="tree" aria-label="Archive files" className="archive-tree">
      {nodes.map((node) => (
        <ArchiveNodeView key={node.path} node={node} depth={1} selected={selected} onSelect={onSelect} />
      ))}
    </div>
  );
}

function ArchiveNodeView({ node, depth, selected, onSelect }: { node: ArchiveNode; depth: number; selected: string | null; onSelect: Props['onSelect'] }) {
  const [open, setOpen] = useState(true);
  const isDir = node.children.length > 0;
  const entry = node.entry;
  const isSelected = selected === node.path;
  return (
    <div role="none">
      <div
        role="treeitem"
        aria-label={node.name}
        aria-level={depth}
        aria-expanded={isDir ? open : undefined}
        aria-selected={isSelected}
        tabIndex={0}
        className={isSelected ? 'archive-row selected' : 'archive-row'}
        style={{ paddingLeft: 8 + (depth - 1) * 16 }}
        title={node.path}
        onClick={() => (isDir ? setOpen(!open) : entry && onSelect(entry, node.path))}
        onKeyDown={(event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            if (isDir) setOpen(!open);
            else if (entry) onSelect(entry, node.path);
          }
        }}
      >
        <span className={isDir ? (open ? 'chevron open' : 'chevron') : 'chevron none'}>{isDir ? <Icon name="chevron" /> : null}</span>
        <Icon name={isDir ? (open ? 'folder-open' : 'folder') : entry?.type === 'symlink' ? 'link' : 'file'} />
        <span className="entry-name mono">{shortName(node.name)}</span>
        {entry && entry.role !== 'directory' && entry.role !== 'other' ? (
          <Badge tone={roleTone(entry.role)}>{entry.label ?? entry.role}</Badge>
        ) : null}
        {entry?.linkTarget ? <span className="muted small mono">→ {entry.linkTarget}</span> : null}
        <span className="archive-size muted small">{entry && !isDir ? formatSize(entry.size) : ''}</span>
      </div>
      {isDir && open ? (
        <div role="group">
          {node.children.map((child) => (
            <ArchiveNodeView key={child.path} node={child} depth={depth + 1} selected={selected} onSelect={onSelect} />
          ))}
        </div>
      ) : null}
    </div>
  );
}
