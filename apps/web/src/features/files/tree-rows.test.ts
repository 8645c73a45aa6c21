import { describe, expect, it } from 'vitest';
import type { FsEntry } from '@peel/api';
import { buildTreeRows, entryKey, sortEntries, type Listing } from './tree-rows.js';

function entry(path: string, type: FsEntry['type'], size = 0, extra: Partial<FsEntry> = {}): FsEntry {
  return { name: path.slice(path.lastIndexOf('/') + 1), path, type, mode: 0o755, uid: 0, gid: 0, size, mtime: 0, linkTarget: null, layer: 0, ...extra };
}

const ready = (entries: FsEntry[]): Listing => ({ status: 'ready', entries });

describe('sortEntries', () => {
  const items = [entry('/b10', 'file', 5), entry('/b2', 'file', 50), entry('/a', 'dir'), entry('/c', 'file', 500)];
  it('puts directories first, then natural name order', () => {
    expect(sortEntries(items, 'name').map((e) => e.name)).toEqual(['a', 'b2', 'b10', 'c']);
  });
  it('sorts files by size, largest first', () => {
    expect(sortEntries(items, 'size').map((e) => e.name)).toEqual(['a', 'c', 'b2', 'b10']);
  });
});

describe('buildTreeRows', () => {
  const listings = new Map<string, Listing>([
    ['/', ready([entry('/etc', 'dir'), entry('/bin', 'dir'), entry('/README', 'file', 3)])],
    ['/etc', ready([entry('/etc/os-release', 'file', 97), entry('/etc/passwd', 'file', 124)])],
  ]);

  it('shows only the root listing when nothing is expanded', () => {
    const rows = buildTreeRows('/', listings, new Set(), 'name');
    expect(rows.map((r) => r.key)).toEqual(['/bin', '/etc', '/README']);
    expect(rows[0]).toMatchObject({ depth: 1, expanded: false, posinset: 1, setsize: 3 });
    expect(rows[2]).toMatchObject({ expanded: null });
  });

  it('nests expanded directories and marks unloaded ones as loading', () => {
    const rows = buildTreeRows('/', listings, new Set(['/etc', '/bin']), 'name');
    expect(rows.map((r) => [r.key, r.depth])).toEqual([
      ['/bin', 1],
      ['/bin\u0000loading', 2],
      ['/etc', 1],
      ['/etc/os-release', 2],
      ['/etc/passwd', 2],
      ['/README', 1],
    ]);
  });

  it('keys versions that are gone by layer and shows errors in place', () => {
    const withDeleted = new Map<string, Listing>([
      ['/', ready([entry('/opt', 'dir')])],
      ['/opt', ready([entry('/opt/.env', 'file', 60, { layer: 5, deletedBy: 6 }), entry('/opt/big.bin', 'file', 2, { layer: 8 }), entry('/opt/big.bin', 'file', 9, { layer: 7, overwrittenBy: 8 })])],
      ['/missing', { status: 'error', message: 'No such directory' }],
    ]);
    const rows = buildTreeRows('/', withDeleted, new Set(['/opt']), 'name');
    expect(rows.map((r) => r.key)).toEqual(['/opt', '/opt/.env@5', '/opt/big.bin@7', '/opt/big.bin']);
    expect(entryKey(entry('/x', 'file', 0, { layer: 2, deletedBy: 3 }))).toBe('/x@2');
    const broken = buildTreeRows('/missing', withDeleted, new Set(), 'name');
    expect(broken).toEqual([{ kind: 'error', key: '/missing\u0000error', depth: 1, path: '/missing', message: 'No such directory' }]);
  });

  it('handles a directory with 50,000 entries quickly', () => {
    const many = Array.from({ length: 50_000 }, (_, i) => entry(`/big/f${i}`, 'file', i));
    const big = new Map<string, Listing>([['/', ready([entry('/big', 'dir')])], ['/big', ready(many)]]);
    const started = performance.now();
    const rows = buildTreeRows('/', big, new Set(['/big']), 'name');
    expect(rows).toHaveLength(50_001);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
