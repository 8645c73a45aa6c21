import type { HistoryRow, HistoryStepRef } from './types.js';

/** Above this many cells the alignment pairs steps by position instead (no history is that long in practice). */
const MAX_ALIGN_CELLS = 4_000_000;

/**
 * The two histories side by side: the longest run of steps they have in common (a step is the
 * same when its command, comment, emptiness and, for a layer step, its layer's diff_id are; the
 * time may differ) stays aligned, and between two common steps the steps each side has instead
 * are paired row by row as `changed`, the rest being `onlyA` / `onlyB`.
 */
export function alignHistory(a: readonly HistoryStepRef[], b: readonly HistoryStepRef[]): HistoryRow[] {
  const pairs = a.length * b.length > MAX_ALIGN_CELLS ? [] : commonSteps(a, b);
  const rows: HistoryRow[] = [];
  let i = 0;
  let j = 0;
  for (const [ci, cj] of [...pairs, [a.length, b.length] as const]) {
    while (i < ci && j < cj) rows.push({ status: 'changed', a: a[i++], b: b[j++] });
    while (i < ci) rows.push({ status: 'onlyA', a: a[i++], b: null });
    while (j < cj) rows.push({ status: 'onlyB', a: null, b: b[j++] });
    if (ci < a.length) rows.push({ status: 'same', a: a[i++], b: b[j++] });
  }
  return rows;
}

function sameStep(x: HistoryStepRef, y: HistoryStepRef): boolean {
  return x.createdBy === y.createdBy && x.comment === y.comment && x.emptyLayer === y.emptyLayer && x.diffId === y.diffId;
}

/** Index pairs of a longest common subsequence of same steps (dynamic programming, from the end). */
function commonSteps(a: readonly HistoryStepRef[], b: readonly HistoryStepRef[]): Array<readonly [number, number]> {
  const w = b.length + 1;
  const len = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      len[i * w + j] = sameStep(a[i], b[j]) ? len[(i + 1) * w + j + 1] + 1 : Math.max(len[(i + 1) * w + j], len[i * w + j + 1]);
    }
  }
  const pairs: Array<readonly [number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (sameStep(a[i], b[j])) pairs.push([i++, j++] as const);
    else if (len[(i + 1) * w + j] >= len[i * w + j + 1]) i++;
    else j++;
  }
  return pairs;
}
