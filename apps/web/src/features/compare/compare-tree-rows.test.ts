import { describe, expect, it } from 'vitest';
import type { CompareItem, CompareNode } from '@peel/api';
import { buildCompareRows, type CompareListing } from './compare-tree-rows.js';

const node = (type: CompareNode['type']): CompareNode => ({ type, mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0, digest: null, linkTarget: null, device: null, xattrs: null, layer: 0 });
const entry = (path: string, type: CompareNode['type'], change: CompareItem['change'] = 'modified'): CompareItem => ({
  name: path.slice(path.lastIndexOf('/') + 1),
  path,
  change,
  fields: [],
  mtimeOnly: false,
  a: change === 'added' ? null : node(type),
  b: change === 'removed' ? null : node(type),
  changesBelow: 0,
  bytesBelowA: 0,
  bytesBelowB: 0,
});

describe('tree of differences rows', () => {
  it('nests open folders, marks pending rows of a folder not fully loaded, and loading ones', () => {
    const listings = new Map<string, CompareListing>([
      ['/', { status: 'ready', items: [entry('/etc', 'dir', null), entry('/usr', 'dir', 'added'), entry('/x', 'file')], total: 3 }],
      ['/etc', { status: 'ready', items: [entry('/etc/os-release', 'file')], total: 3 }],
    ]);
    const rows = buildCompareRows('/', listings, new Set(['/etc', '/usr']));
    expect(rows.map((r) => `${r.kind}:${r.depth}:${r.kind === 'item' ? `${r.item.path}:${r.expanded}` : r.path}`)).toEqual([
      'item:1:/etc:true',
      'item:2:/etc/os-release:null',
      'pending:2:/etc',
      'pending:2:/etc',
      'item:1:/usr:true',
      'loading:2:/usr',
      'item:1:/x:null',
    ]);
    expect(rows[0]).toMatchObject({ posinset: 1, setsize: 3 });
  });

  it('shows an error and an empty folder as one row each', () => {
    const listings = new Map<string, CompareListing>([
      ['/', { status: 'ready', items: [entry('/a', 'dir'), entry('/b', 'dir')], total: 2 }],
      ['/a', { status: 'error', message: 'gone' }],
      ['/b', { status: 'ready', items: [], total: 0 }],
    ]);
    expect(buildCompareRows('/', listings, new Set(['/a', '/b'])).map((r) => r.kind)).toEqual(['item', 'error', 'item', 'empty']);
  });
});
