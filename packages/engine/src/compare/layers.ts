import type { LayerAlignment, LayerRef } from './types.js';

/**
 * Lines two layer stacks up by diff_id: the layers both start with are the same bytes, so the
 * filesystems they build are the same up to there. After the first difference nothing is shared
 * (a layer's meaning depends on everything below it), so that is where the alignment stops.
 */
export function alignLayers(a: readonly LayerRef[], b: readonly LayerRef[]): LayerAlignment {
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared].diffId === b[shared].diffId) shared++;
  const onlyA = a.slice(shared);
  const onlyB = b.slice(shared);
  return { shared, onlyA, onlyB, text: describe(shared, onlyA.length, onlyB.length) };
}

const layers = (n: number) => `${n} layer${n === 1 ? '' : 's'}`;

function describe(shared: number, a: number, b: number): string {
  const head = shared === 0 ? 'no layers in common' : shared === 1 ? 'layer 0 identical' : `layers 0–${shared - 1} identical`;
  if (a === 0 && b === 0) return shared === 0 ? 'both sides have no layers' : `${head}: the same layers`;
  return `${head}, then A has ${a === 0 ? 'none' : layers(a)}, B has ${b === 0 ? 'none' : layers(b)}`;
}
