import type { HistoryStep, LayerInfo } from '@peel/api';

/** One line of the history table: a history step, a layer, or both. */
export interface HistoryRow {
  /** Index into the image's history, or null for a layer no step claims. */
  step: number | null;
  createdBy: string | null;
  created: string | null;
  comment: string | null;
  /** The layer this step made, or null for metadata-only steps (0 B). */
  layer: LayerInfo | null;
}

/**
 * History top-down from the base, each step joined with the layer it made. Layers no step
 * claims (history shorter than the layer list, as some builders write) still appear, in order.
 */
export function historyRows(history: HistoryStep[], layers: LayerInfo[]): HistoryRow[] {
  const claimed = new Set<number>();
  for (const step of history) if (step.layer !== null && layers[step.layer]) claimed.add(step.layer);
  const orphans = layers.filter((l) => !claimed.has(l.index));
  const rows: HistoryRow[] = [];
  const flushOrphansBelow = (limit: number) => {
    while (orphans.length && orphans[0].index < limit) {
      const layer = orphans.shift() as LayerInfo;
      rows.push({ step: null, createdBy: null, created: null, comment: null, layer });
    }
  };
  history.forEach((step, index) => {
    const layer = step.layer !== null ? (layers[step.layer] ?? null) : null;
    if (layer) flushOrphansBelow(layer.index);
    rows.push({ step: index, createdBy: step.createdBy, created: step.created, comment: step.comment, layer });
  });
  flushOrphansBelow(Number.POSITIVE_INFINITY);
  return rows;
}
