import type { CompareChange, CompareItem } from '@peel/api';

export const CHANGE_LABEL: Record<CompareChange, string> = {
  added: 'added',
  removed: 'removed',
  modified: 'modified',
  type: 'type changed',
  metadata: 'metadata',
};

/** The badge tone of each kind of change (the layer views' colours: added green, removed red). */
export const CHANGE_TONE: Record<CompareChange, string> = {
  added: 'added',
  removed: 'deleted',
  modified: 'modified',
  type: 'warning',
  metadata: 'accent',
};

/** A path's change as a small badge ("modified", "metadata: mode"); nothing when unchanged. */
export function ChangeMark({ item }: { item: CompareItem }) {
  if (!item.change) return null;
  const what = item.change === 'metadata' ? `metadata: ${item.fields.join(', ')}` : CHANGE_LABEL[item.change];
  return <span className={`badge badge-${CHANGE_TONE[item.change]}`}>{item.mtimeOnly ? 'mtime only' : what}</span>;
}
