import type { DraftOpItem, DraftState } from '@peel/api';
import { formatSize } from '../../lib/format-size.js';
import { modeOctal, modeString } from '../../lib/mode-string.js';

/** What one pending change does, in a few words: "wrote 97 B", "mode -rwxr-xr-x (0755)". */
export function describeOp(op: DraftOpItem): string {
  switch (op.op) {
    case 'write':
      return `${op.kind === 'added' ? 'new file' : 'new contents'}, ${formatSize(op.size ?? 0)}`;
    case 'delete':
      if (op.purgeOnly) return 'deleted from every layer on rewrite (already gone from the final filesystem)';
      return op.type === 'dir' ? 'folder deleted with everything in it' : 'deleted';
    case 'mkdir':
      return `new folder${op.mode !== undefined ? `, ${modeString('dir', op.mode)}` : ''}`;
    case 'symlink':
      return `symlink → ${op.target ?? ''}`;
    case 'rename':
      return `moved from ${op.from ?? '?'}`;
    case 'chmod':
      return op.mode !== undefined ? `permissions ${modeString(op.type, op.mode)} (${modeOctal(op.mode)})` : 'permissions changed';
    case 'chown':
      return `owner ${op.uid ?? '?'}:${op.gid ?? '?'}`;
  }
}

/** Everything waiting to be exported: file changes, config keys, and a new name. */
export function pendingCount(draft: DraftState): number {
  return draft.ops.length + draft.configChanges.length + (draft.tag ? 1 : 0);
}

/** A config value on one line: strings as they are, lists and objects as compact JSON. */
export function configValueText(value: unknown): string {
  if (value === null || value === undefined) return 'not set';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
