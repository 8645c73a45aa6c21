import type { EntryType, FsEntry } from '@peel/api';
import type { IconName } from '../../components/Icon.js';

const TYPE_LABELS: Record<EntryType, string> = {
  file: 'File',
  dir: 'Directory',
  symlink: 'Symbolic link',
  hardlink: 'Hard link',
  char: 'Character device',
  block: 'Block device',
  fifo: 'FIFO',
  whiteout: 'Whiteout (deletes a lower file)',
  opaque: 'Opaque directory marker',
};

export function typeLabel(type: EntryType): string {
  return TYPE_LABELS[type] ?? type;
}

/** The name to show: whiteout entries may carry the raw `.wh.` prefix from the tar. */
export function displayName(entry: FsEntry): string {
  if (entry.type === 'opaque') return entry.name.startsWith('.wh.') ? entry.name : '.wh..wh..opq';
  if (entry.type === 'whiteout' && entry.name.startsWith('.wh.')) return entry.name.slice(4);
  return entry.name;
}

/** The path a whiteout deletes ("/opt/app/.wh.legacy" → "/opt/app/legacy"). */
export function whiteoutTarget(entry: FsEntry): string {
  const name = displayName(entry);
  const dir = entry.path.slice(0, entry.path.lastIndexOf('/')) || '';
  return `${dir}/${name}`;
}

/** Whether the entry has bytes that can be shown or downloaded. */
export function hasContent(entry: FsEntry): boolean {
  return entry.type === 'file' || entry.type === 'hardlink' || entry.type === 'symlink';
}

/** The icon that stands for an entry in the tree. */
export function iconFor(entry: FsEntry, expanded: boolean | null): IconName {
  switch (entry.type) {
    case 'dir': return expanded ? 'folder-open' : 'folder';
    case 'symlink': return 'link';
    case 'hardlink': return 'hardlink';
    case 'whiteout': return 'whiteout';
    case 'opaque': return 'opaque';
    case 'char':
    case 'block':
    case 'fifo': return 'device';
    default: return 'file';
  }
}
