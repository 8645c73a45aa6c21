import type { SizeTreeNode } from '@peel/api';
import { squarify, type Rect } from './squarify.js';

/** One box of the drawn treemap. */
export interface TreemapBox {
  node: SizeTreeNode;
  rect: Rect;
  depth: number;
  /** A folder drawn as a frame around its children (with a title strip), else a filled leaf. */
  group: boolean;
}

const TITLE = 16;
const PAD = 2;
/** A folder smaller than this is drawn as one leaf rather than a frame around its children. */
const MIN_GROUP = { w: 48, h: TITLE + 18 };

/**
 * Nested squarified treemap of a size tree: folders with room become frames with their name
 * on a title strip, everything else a leaf. Boxes come parents first (draw order).
 */
export function layoutTreemap(root: SizeTreeNode, rect: Rect): TreemapBox[] {
  const boxes: TreemapBox[] = [];
  const visit = (node: SizeTreeNode, r: Rect, depth: number) => {
    const kids = node.children?.filter((c) => c.size > 0) ?? [];
    const roomy = r.w >= MIN_GROUP.w && r.h >= MIN_GROUP.h;
    const group = kids.length > 0 && (depth === 0 || roomy);
    if (depth > 0) boxes.push({ node, rect: r, depth, group });
    if (!group) return;
    const inner = depth === 0 ? r : { x: r.x + PAD, y: r.y + TITLE, w: r.w - 2 * PAD, h: r.h - TITLE - PAD };
    if (inner.w <= 0 || inner.h <= 0) return;
    const sorted = [...kids].sort((a, b) => b.size - a.size);
    squarify(sorted.map((k) => k.size), inner).forEach((kr, i) => {
      if (kr.w > 0.5 && kr.h > 0.5) visit(sorted[i], kr, depth + 1);
    });
  };
  visit(root, rect, 0);
  return boxes;
}

/** A stable colour per layer, spread around the hue circle so neighbours differ; the base layer is blue. */
export function layerColor(layer: number): string {
  const hue = (215 + layer * 137.508) % 360;
  return `hsl(${hue.toFixed(0)} 55% 58%)`;
}
