import { describe, expect, it } from 'vitest';
import { squarify, type Rect } from './squarify.js';

const area = (r: Rect) => r.w * r.h;
const inside = (r: Rect, box: Rect) => r.x >= box.x - 1e-9 && r.y >= box.y - 1e-9 && r.x + r.w <= box.x + box.w + 1e-9 && r.y + r.h <= box.y + box.h + 1e-9;
const overlap = (a: Rect, b: Rect) => Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

describe('squarify', () => {
  const box = { x: 10, y: 20, w: 600, h: 400 };

  it('reproduces the paper example: areas proportional, inside the box, no overlaps', () => {
    const sizes = [6, 6, 4, 3, 2, 2, 1];
    const rects = squarify(sizes, box);
    const total = sizes.reduce((a, b) => a + b, 0);
    rects.forEach((r, i) => {
      expect(area(r)).toBeCloseTo((sizes[i] / total) * box.w * box.h, 6);
      expect(inside(r, box)).toBe(true);
      for (let j = i + 1; j < rects.length; j++) expect(overlap(r, rects[j])).toBeLessThan(1e-6);
    });
    // Squarified: no sliver worse than 3:1 for these sizes.
    for (const r of rects) expect(Math.max(r.w / r.h, r.h / r.w)).toBeLessThan(3);
  });

  it('fills the box exactly', () => {
    const rects = squarify([500, 120, 80, 40, 33, 7, 1], box);
    expect(rects.reduce((s, r) => s + area(r), 0)).toBeCloseTo(box.w * box.h, 6);
  });

  it('gives zero sizes, and everything in an empty box, nothing', () => {
    expect(squarify([5, 0, 5], box)[1]).toMatchObject({ w: 0, h: 0 });
    expect(squarify([0, 0], box).every((r) => area(r) === 0)).toBe(true);
    expect(squarify([1, 2], { x: 0, y: 0, w: 0, h: 10 }).every((r) => area(r) === 0)).toBe(true);
  });
});
