import { describe, expect, it } from 'vitest';
import type { DraftPathChange, DraftState } from '@peel/api';
import { appendKeeps, defaultExportMode } from './removed-for-good.js';

const draftOf = (changes: DraftPathChange[]) => ({ changes }) as DraftState;

describe('export defaults', () => {
  it('rewrites by default when a delete is a purge or was asked to leave every layer', () => {
    const purge = draftOf([{ path: '/opt/app/.env', kind: 'deleted', type: 'file', sizeDelta: 0, purgeOnly: true }]);
    expect(appendKeeps(purge)).toEqual({ forGood: ['/opt/app/.env'], deleted: ['/opt/app/.env'] });
    expect(defaultExportMode(appendKeeps(purge))).toBe('rewrite');
    const plain = draftOf([
      { path: '/bin/vi', kind: 'deleted', type: 'file', sizeDelta: -10 },
      { path: '/etc/os-release', kind: 'modified', type: 'file', sizeDelta: 3 },
    ]);
    expect(defaultExportMode(appendKeeps(plain))).toBe('append');
    expect(appendKeeps(plain)).toEqual({ forGood: [], deleted: ['/bin/vi'] });
    const everyLayer = draftOf([{ path: '/bin/vi', kind: 'deleted', type: 'file', sizeDelta: -10, fromEveryLayer: true }]);
    expect(appendKeeps(everyLayer)).toEqual({ forGood: ['/bin/vi'], deleted: ['/bin/vi'] });
    expect(defaultExportMode(appendKeeps(everyLayer))).toBe('rewrite');
    expect(defaultExportMode(appendKeeps(undefined))).toBe('append');
  });
});
