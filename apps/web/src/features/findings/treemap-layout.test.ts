import { describe, expect, it } from 'vitest';
import type { SizeTreeNode } from '@peel/api';
import { layoutTreemap } from './treemap-layout.js';

const file = (path: string, size: number, layer = 0): SizeTreeNode => ({ name: path.split('/').pop()!, path, size, files: 1, type: 'file', layer });
const dir = (path: string, children: SizeTreeNode[]): SizeTreeNode => ({
  name: path.split('/').pop() || '/', path, type: 'dir', layer: null,
  size: children.reduce((s, c) => s + c.size, 0), files: children.reduce((s, c) => s + c.files, 0), children,
});

describe('layoutTreemap', () => {
  const tree = dir('/', [
    dir('/bin', [file('/bin/busybox', 1_900_000)]),
    dir('/var/lib/app', [file('/var/lib/app/big.bin', 65_536, 8)]),
    file('/etc/passwd', 124, 1),
  ]);

  it('draws folders with room as frames around their children, the rest as leaves, parents first', () => {
    const boxes = layoutTreemap(tree, { x: 0, y: 0, w: 800, h: 400 });
    const bin = boxes.find((b) => b.node.path === '/bin')!;
    const busybox = boxes.find((b) => b.node.path === '/bin/busybox')!;
    expect(bin.group).toBe(true);
    expect(busybox.group).toBe(false);
    expect(boxes.indexOf(bin)).toBeLessThan(boxes.indexOf(busybox));
    // The child sits inside its frame, below the title strip.
    expect(busybox.rect.y).toBeGreaterThan(bin.rect.y);
    expect(busybox.rect.x + busybox.rect.w).toBeLessThanOrEqual(bin.rect.x + bin.rect.w);
    expect(boxes.some((b) => b.node.path === '/')).toBe(false);
  });

  it('draws a folder too small for a frame as one leaf', () => {
    const boxes = layoutTreemap(tree, { x: 0, y: 0, w: 200, h: 60 });
    const app = boxes.find((b) => b.node.path === '/var/lib/app');
    expect(app?.group ?? false).toBe(false);
    expect(boxes.some((b) => b.node.path === '/var/lib/app/big.bin')).toBe(false);
  });
});
