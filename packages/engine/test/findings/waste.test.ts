import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FsBlobStore } from '../../src/index.js';
import { tempStore } from '../helpers.js';
import { analyzeSpec } from './helpers.js';

let store: FsBlobStore;
let dispose: () => Promise<void>;
beforeAll(async () => ({ store, dispose } = await tempStore()));
afterAll(() => dispose());

const bytes = (n: number, seed: string) => Buffer.alloc(n, seed);

describe('waste', () => {
  it('counts a path written three times as its two removed copies, never the survivor (dive#684)', async () => {
    const f = await analyzeSpec({
      layers: [
        [{ name: 'f', data: bytes(1000, 'a') }],
        [{ name: 'f', data: bytes(300, 'b') }],
        [{ name: 'f', data: bytes(50, 'c') }],
      ],
    }, store);
    expect(f.waste).toMatchObject({ bytes: 1300, removed: 1300, duplicate: 0, shipped: 1350, unique: 50 });
    expect(f.waste.items).toEqual([{
      kind: 'removed', path: 'f', bytes: 1300, survivor: { layer: 2, size: 50 },
      copies: [expect.objectContaining({ layer: 0, size: 1000, removedIn: 1, how: 'overwritten' }), expect.objectContaining({ layer: 1, size: 300, removedIn: 2, how: 'overwritten' })],
    }]);
    expect(f.waste.efficiency).toBeCloseTo(50 / 1350, 12);
    expect(f.sizes.layers.map((l) => l.contribution)).toEqual([1000, -700, -250]);
  });

  it('counts identical surviving files (n copies → n − 1) across layers and paths, once per content', async () => {
    const f = await analyzeSpec({
      layers: [
        [{ name: 'a/lib.so', data: bytes(400, 'x') }, { name: 'a/copy.so', data: bytes(400, 'x') }],
        [{ name: 'b/lib.so', data: bytes(400, 'x') }, { name: 'b/other', data: bytes(10, 'y') }],
        [{ name: 'b/other', data: bytes(10, 'y') }],
      ],
    }, store);
    // b/other's layer-1 copy is removed (overwritten by identical bytes): removed, not duplicate.
    expect(f.waste).toMatchObject({ bytes: 800 + 10, removed: 10, duplicate: 800, unique: 410 });
    const dup = f.waste.items.find((i) => i.kind === 'duplicate');
    expect(dup).toMatchObject({ size: 400, bytes: 800, copies: [{ path: 'a/lib.so', layer: 0 }, { path: 'a/copy.so', layer: 0 }, { path: 'b/lib.so', layer: 1 }] });
  });

  it('does not count a hard link twice, and keeps bytes alive while a link to them survives', async () => {
    const f = await analyzeSpec({
      layers: [
        [{ name: 'd/', type: 'directory' }, { name: 'd/data', data: bytes(500, 'h') }, { name: 'd/link', type: 'link', linkname: 'd/data' }],
        [{ name: 'd/.wh.data' }],
      ],
    }, store);
    expect(f.waste.bytes).toBe(0);
    expect(f.sizes.final).toBe(500);
    expect(f.sizes.layers.map((l) => l.contribution)).toEqual([500, 0]);
    expect(f.sizes.biggestFiles).toEqual([{ path: 'd/link', size: 500, layer: 0, type: 'file' }]);
  });

  it('counts files under a deleted folder, and the same-layer rewrite of a path', async () => {
    const f = await analyzeSpec({
      layers: [
        [{ name: 'tmp/', type: 'directory' }, { name: 'tmp/x/', type: 'directory' }, { name: 'tmp/x/1', data: bytes(70, '1') }, { name: 'tmp/x/2', data: bytes(30, '2') }, { name: 'f', data: bytes(5, 'p') }, { name: 'f', data: bytes(8, 'q') }],
        [{ name: 'tmp/.wh.x' }],
      ],
    }, store);
    expect(f.waste.bytes).toBe(70 + 30 + 5);
    const byPath = Object.fromEntries(f.waste.items.map((i) => [i.kind === 'removed' ? i.path : '', i.kind === 'removed' ? i.copies.map((c) => [c.layer, c.removedIn, c.how]) : []]));
    expect(byPath).toEqual({ 'tmp/x/1': [[0, 1, 'deleted']], 'tmp/x/2': [[0, 1, 'deleted']], f: [[0, 0, 'overwritten']] });
    expect(f.sizes.layers[1].contribution).toBe(-100);
  });

  it('keeps the size tree small: small entries share an `other` node and sizes still add up', async () => {
    const files = Array.from({ length: 60 }, (_, i) => ({ name: `data/f${String(i).padStart(2, '0')}`, data: bytes(i === 0 ? 100_000 : 10 + i, String.fromCharCode(65 + (i % 26))) }));
    const f = await analyzeSpec({ layers: [[{ name: 'data/', type: 'directory' }, ...files]] }, store);
    const data = f.sizes.tree.children![0];
    expect(data).toMatchObject({ path: 'data', type: 'dir', files: 60 });
    const other = data.children!.find((c) => c.type === 'other')!;
    expect(other.name).toMatch(/^\d+ smaller$/);
    expect(data.children!.reduce((s, c) => s + c.size, 0)).toBe(data.size);
    expect(f.sizes.tree.size).toBe(f.sizes.final);
  });
});
