import type { EntryType, LayerEntry } from '../types.js';
import { mergeLayers, nodeSize, type FsNode } from './merge.js';

/** One change a layer makes to the filesystem below it. A closed set of kinds. */
export interface LayerChange {
  path: string;
  change: 'added' | 'modified' | 'deleted';
  type: EntryType;
  /** Size now (added, modified) or of what was deleted. */
  size: number;
  /** The layer that provided the previous version (modified, deleted); null for added. */
  previousLayer: number | null;
  previousSize: number | null;
  /** Modified, but the bytes are the same: only mode, owner, times or xattrs changed. */
  metadataOnly: boolean;
  /** The entry this layer wrote (null for deletions). */
  entry: LayerEntry | null;
}

type Kind = LayerChange['change'];

/**
 * Collects one layer's changes while MergedFs applies it. A path deleted and written again in
 * the same layer (opaque directory re-created, `.wh.x` then `x`) is one modification.
 */
export class ChangeRecorder {
  private readonly byPath = new Map<string, LayerChange>();
  private readonly removed = new Map<string, FsNode>();

  deleted(node: FsNode): void {
    this.removed.set(node.path, node);
    this.byPath.set(node.path, deletedChange(node));
  }

  /** `previous` is what the path held before (already removed by the caller), if anything. */
  written(node: FsNode, previous: FsNode | undefined): void {
    this.byPath.set(node.path, writtenChange(node, previous ?? this.removed.get(node.path) ?? null));
  }

  dirUpdated(before: FsNode, after: FsNode): void {
    const change = dirUpdateChange(before, after);
    if (change) this.byPath.set(after.path, change);
  }

  result(): LayerChange[] {
    return [...this.byPath.values()];
  }
}

// What one write or deletion at a path is as a change; MergedFs (ChangeRecorder) and StreamMerge
// both record with these.

export function deletedChange(node: FsNode): LayerChange {
  return change(node.path, 'deleted', node.entry.type as EntryType, nodeSize(node), node, null, false);
}

/** `node` written where `before` was (removed earlier in the same layer, or just replaced), if anything. */
export function writtenChange(node: FsNode, before: FsNode | null): LayerChange {
  if (!before) return change(node.path, 'added', node.entry.type as EntryType, nodeSize(node), null, node.entry, false);
  return change(node.path, 'modified', node.entry.type as EntryType, nodeSize(node), before, node.entry, sameContent(before, node));
}

/** A directory declared again over a directory: a change only if its attributes differ. */
export function dirUpdateChange(before: FsNode, after: FsNode): LayerChange | null {
  const a = before.entry;
  const b = after.entry;
  if (a.mode === b.mode && a.uid === b.uid && a.gid === b.gid && JSON.stringify(a.xattrs) === JSON.stringify(b.xattrs)) return null;
  return change(after.path, 'modified', 'dir', 0, before, b, true);
}

function change(path: string, kind: Kind, type: EntryType, size: number, previous: FsNode | null, entry: LayerEntry | null, metadataOnly: boolean): LayerChange {
  return { path, change: kind, type, size, previousLayer: previous ? previous.layer : null, previousSize: previous ? nodeSize(previous) : null, metadataOnly, entry };
}

/** The same bytes (files, links) or the same target (symlinks, devices). */
export function sameContent(a: FsNode, b: FsNode): boolean {
  if (a.entry.type !== b.entry.type) {
    // A file and a hard link to identical bytes are the same content.
    const bytesA = a.content?.entry.digest;
    return !!bytesA && bytesA === b.content?.entry.digest;
  }
  switch (a.entry.type) {
    case 'file':
    case 'hardlink':
      return !!a.content && !!b.content && a.content.entry.digest === b.content.entry.digest;
    case 'symlink':
      return a.entry.linkTarget === b.entry.linkTarget;
    case 'char':
    case 'block':
      return a.entry.devMajor === b.entry.devMajor && a.entry.devMinor === b.entry.devMinor;
    default:
      return true;
  }
}

/** The changes of layer `n` against the layers below it. */
export function layerChanges(layers: ReadonlyArray<readonly LayerEntry[]>, n: number): LayerChange[] {
  return mergeLayers(layers.slice(0, n + 1)).changes(n);
}
