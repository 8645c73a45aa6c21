import type { DraftNode, DraftOp, DraftView } from '@peel/engine';
import type { OpSummary } from '../store/index.js';

/** What `op` does to the filesystem `before` shows (the draft's earlier ops applied). */
export function summarize(before: DraftView, op: DraftOp): OpSummary {
  switch (op.op) {
    case 'write': {
      const prev = before.get(op.path);
      return { kind: prev ? 'modified' : 'added', type: 'file', sizeDelta: op.size - (prev ? treeBytes(before, prev) : 0) };
    }
    case 'delete': {
      const prev = before.get(op.path);
      if (!prev) return { kind: 'deleted', type: 'file', sizeDelta: 0, purgeOnly: true };
      return { kind: 'deleted', type: prev.type, sizeDelta: -treeBytes(before, prev) };
    }
    case 'mkdir':
      return { kind: before.get(op.path) ? 'modified' : 'added', type: 'dir', sizeDelta: 0 };
    case 'symlink': {
      const prev = before.get(op.path);
      return { kind: prev ? 'modified' : 'added', type: 'symlink', sizeDelta: prev ? -treeBytes(before, prev) : 0 };
    }
    case 'rename':
      return { kind: 'moved', type: before.get(op.from)?.type ?? 'file', sizeDelta: 0 };
    case 'chmod':
    case 'chown':
      return { kind: 'modified', type: before.get(op.path)?.type ?? 'file', sizeDelta: 0 };
  }
}

/** Bytes of file content in a node and, for a folder, everything under it. */
export function treeBytes(view: DraftView, node: DraftNode): number {
  return node.type === 'dir' ? view.bytesBelow(node.path) : node.size;
}
