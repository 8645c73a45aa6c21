import { describe, expect, it } from 'vitest';
import { FolderSizes, TopK } from '../../src/findings/folders.js';

describe('FolderSizes', () => {
  it('sums files into every folder above them, whatever order they come in', () => {
    const f = new FolderSizes();
    f.add('usr/lib/a.so', 100);
    f.add('etc/passwd', 5);
    f.add('usr/lib/x/b.so', 50);
    f.add('top', 1);
    expect(f.get('')).toEqual({ size: 156, files: 4 });
    expect(f.get('usr')).toEqual({ size: 150, files: 2 });
    expect(f.get('usr/lib/x')).toEqual({ size: 50, files: 1 });
    f.add('usr/lib/c.so', 10);
    expect(f.get('usr')).toEqual({ size: 160, files: 3 });
    // usr holds only usr/lib: shown once, as usr/lib.
    expect(f.biggest(10).map((d) => [d.path, d.size])).toEqual([['usr/lib', 160], ['usr/lib/x', 50], ['etc', 5]]);
  });
});

describe('TopK', () => {
  it('keeps the k largest, largest first, ties by path', () => {
    const top = new TopK(3);
    for (const [path, size] of [['a', 5], ['b', 9], ['c', 1], ['d', 9], ['e', 7], ['f', 2]] as const) top.push({ path, size, layer: 0, type: 'file' });
    expect(top.result().map((r) => r.path)).toEqual(['b', 'd', 'e']);
    expect(new TopK(0).result()).toEqual([]);
  });
});
