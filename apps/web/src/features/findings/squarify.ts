/** A rectangle in SVG units. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Squarified treemap layout (Bruls, Huizing, van Wijk 2000): lays `sizes` (largest first works
 * best) out in `rect` so each item's area is proportional to its size, filling rows along the
 * shorter side while that keeps the worst aspect ratio of the row from getting worse.
 * Returns one rectangle per size, in the same order; zero sizes get empty rectangles.
 */
export function squarify(sizes: readonly number[], rect: Rect): Rect[] {
  const out: Rect[] = sizes.map(() => ({ x: rect.x, y: rect.y, w: 0, h: 0 }));
  const total = sizes.reduce((s, v) => s + Math.max(0, v), 0);
  if (total <= 0 || rect.w <= 0 || rect.h <= 0) return out;
  const scale = (rect.w * rect.h) / total;
  const items = sizes.map((v, i) => ({ i, area: Math.max(0, v) * scale })).filter((it) => it.area > 0);
  let free = { ...rect };
  let row: typeof items = [];
  for (const item of items) {
    const side = Math.min(free.w, free.h);
    if (row.length === 0 || worst([...row, item], side) <= worst(row, side)) {
      row.push(item);
      continue;
    }
    free = placeRow(row, free, out);
    row = [item];
  }
  if (row.length) placeRow(row, free, out);
  return out;
}

/** The worst aspect ratio of a row of areas laid along a side of length `side`. */
function worst(row: ReadonlyArray<{ area: number }>, side: number): number {
  const sum = row.reduce((s, r) => s + r.area, 0);
  let max = 0;
  for (const r of row) {
    const ratio = Math.max((side * side * r.area) / (sum * sum), (sum * sum) / (side * side * r.area));
    if (ratio > max) max = ratio;
  }
  return max;
}

/** Lays a row along the shorter side of `free` and returns the space left. */
function placeRow(row: ReadonlyArray<{ i: number; area: number }>, free: Rect, out: Rect[]): Rect {
  const sum = row.reduce((s, r) => s + r.area, 0);
  if (free.w >= free.h) {
    // A column at the left, as wide as the row's area needs.
    const w = Math.min(free.w, sum / free.h);
    let y = free.y;
    for (const r of row) {
      const h = r.area / w;
      out[r.i] = { x: free.x, y, w, h };
      y += h;
    }
    return { x: free.x + w, y: free.y, w: free.w - w, h: free.h };
  }
  const h = Math.min(free.h, sum / free.w);
  let x = free.x;
  for (const r of row) {
    const w = r.area / h;
    out[r.i] = { x, y: free.y, w, h };
    x += w;
  }
  return { x: free.x, y: free.y + h, w: free.w, h: free.h - h };
}
