import { describe, expect, it } from 'vitest';
import type { DraftPathChange, DraftState } from '@peel/api';
import { defaultExportName, editedTag } from './edited-tag.js';
import { appendKeeps, defaultExportMode } from './removed-for-good.js';

const draftOf = (changes: DraftPathChange[]) => ({ changes }) as DraftState;

describe('export defaults', () => {
  it('names the result repo:edited, never the source tag itself', () => {
    expect(editedTag('alpine:3.20')).toBe('alpine:edited');
    expect(editedTag('localhost:5000/team/app')).toBe('localhost:5000/team/app:edited');
    expect(editedTag('app:edited')).toBe('app:edited-2');
    expect(editedTag('app@sha256:abc')).toBe('app:edited');
    // The name it was opened by (from Docker) over its first tag; a tag set in the draft wins.
    expect(defaultExportName({ name: 'web:2', tags: ['base:1', 'web:2'] }, undefined)).toBe('web:edited');
    expect(defaultExportName({ name: 'img.tar', tags: ['base:1', 'web:2'] }, undefined)).toBe('base:edited');
    expect(defaultExportName({ name: 'img.tar', tags: ['base:1'] }, { tag: 'mine:v2', resultTag: 'mine:v2' })).toBe('mine:v2');
    expect(defaultExportName({ name: 'img.tar', tags: [] }, { tag: null, resultTag: 'peel/abc:latest' })).toBe('peel/abc:latest');
  });

  it('rewrites by default when a delete is a purge or was asked to leave every layer', () => {
    const purge = draftOf([{ path: '/opt/app/.env', kind: 'deleted', type: 'file', sizeDelta: 0, purgeOnly: true }]);
    expect(appendKeeps(purge, [])).toEqual({ forGood: ['/opt/app/.env'], deleted: ['/opt/app/.env'] });
    expect(defaultExportMode(appendKeeps(purge, []))).toBe('rewrite');
    const plain = draftOf([
      { path: '/bin/vi', kind: 'deleted', type: 'file', sizeDelta: -10 },
      { path: '/etc/os-release', kind: 'modified', type: 'file', sizeDelta: 3 },
    ]);
    expect(defaultExportMode(appendKeeps(plain, []))).toBe('append');
    expect(appendKeeps(plain, [])).toEqual({ forGood: [], deleted: ['/bin/vi'] });
    expect(defaultExportMode(appendKeeps(plain, ['/bin/vi']))).toBe('rewrite');
    expect(defaultExportMode(appendKeeps(undefined, ['/bin/vi']))).toBe('append');
  });
});
