import { describe, expect, it } from 'vitest';
import type { FsEntry } from '@peel/api';
import { displayName, whiteoutTarget } from './entry-labels.js';

const wh = (path: string, name: string): FsEntry => ({ name, path, type: 'whiteout', mode: 0, uid: 0, gid: 0, size: 0, mtime: 0, linkTarget: null, layer: 3 });

describe('whiteout names', () => {
  it('shows the deleted name whether or not the server kept the .wh. prefix', () => {
    expect(displayName(wh('/opt/app/.wh.legacy', '.wh.legacy'))).toBe('legacy');
    expect(displayName(wh('/opt/app/legacy', 'legacy'))).toBe('legacy');
    expect(whiteoutTarget(wh('/opt/app/.wh.legacy', '.wh.legacy'))).toBe('/opt/app/legacy');
    expect(whiteoutTarget(wh('/opt/app/legacy', 'legacy'))).toBe('/opt/app/legacy');
  });
});
