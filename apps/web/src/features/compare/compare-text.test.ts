import { describe, expect, it } from 'vitest';
import type { CompareItem, CompareNode } from '@peel/api';
import { belowText, configValueText, fieldChanges, isFolder, sideSize, sizeDelta } from './compare-text.js';

const file = (over: Partial<CompareNode> = {}): CompareNode => ({
  type: 'file',
  mode: 0o644,
  uid: 0,
  gid: 0,
  mtime: 86_400 * 400,
  size: 100,
  digest: 'sha256:aa',
  linkTarget: null,
  device: null,
  xattrs: null,
  layer: 0,
  ...over,
});

const item = (over: Partial<CompareItem>): CompareItem => ({
  name: 'x',
  path: '/x',
  change: 'modified',
  fields: [],
  mtimeOnly: false,
  a: file(),
  b: file(),
  changesBelow: 0,
  bytesBelowA: 0,
  bytesBelowB: 0,
  ...over,
});

describe('compare text', () => {
  it('says which fields changed, old → new, the mode in octal', () => {
    const changes = fieldChanges(
      item({
        change: 'metadata',
        fields: ['mode', 'uid', 'xattrs'],
        a: file({ mode: 0o644, uid: 0 }),
        b: file({ mode: 0o4755, uid: 1000, xattrs: { 'user.b': 'Yg==', 'user.a': 'YQ==' } }),
      }),
    );
    expect(changes).toEqual([
      { field: 'mode', label: 'Mode', a: '0644', b: '4755' },
      { field: 'uid', label: 'Owner (uid)', a: '0', b: '1000' },
      { field: 'xattrs', label: 'Extended attributes', a: 'none', b: 'user.a=YQ==\nuser.b=Yg==' },
    ]);
  });

  it('names digests and link targets of content changes, and nothing for one-sided paths', () => {
    const content = fieldChanges(item({ fields: ['content'], a: file({ digest: 'sha256:aa', size: 5 }), b: file({ digest: 'sha256:bb', size: 1500 }) }));
    expect(content).toEqual([{ field: 'content', label: 'Content', a: 'sha256:aa (5 B)', b: 'sha256:bb (1.5 kB)' }]);
    const link = fieldChanges(item({ fields: ['linkTarget'], a: file({ type: 'symlink', linkTarget: '/bin/a' }), b: file({ type: 'symlink', linkTarget: '/bin/b' }) }));
    expect(link.map((c) => [c.a, c.b])).toEqual([['/bin/a', '/bin/b']]);
    expect(fieldChanges(item({ change: 'added', fields: ['mode'], a: null }))).toEqual([]);
  });

  it('measures a file by its sizes and a folder by the changed bytes below it', () => {
    expect(sizeDelta(item({ a: file({ size: 100 }), b: file({ size: 40 }) }))).toBe(-60);
    expect(sizeDelta(item({ change: 'added', a: null, b: file({ size: 7 }) }))).toBe(7);
    const folder = item({ change: null, a: file({ type: 'dir', size: 0 }), b: file({ type: 'dir', size: 0 }), changesBelow: 3, bytesBelowA: 1000, bytesBelowB: 3500 });
    expect(isFolder(folder)).toBe(true);
    expect(sizeDelta(folder)).toBe(2500);
    expect(belowText(folder)).toBe('3 changes · 1 kB → 3.5 kB');
    expect(belowText(item({}))).toBe('');
  });

  it('a file replaced by a folder opens like a folder', () => {
    expect(isFolder(item({ change: 'type', a: file(), b: file({ type: 'dir', size: 0 }) }))).toBe(true);
    expect(sideSize(null)).toBe('–');
    expect(sideSize(file({ type: 'symlink', size: 0 }))).toBe('symlink');
  });

  it('reads config values: argv as a shell line, a port or volume as present, unset as null', () => {
    expect(configValueText('Cmd', ['sh', '-c', 'echo hi; ls'])).toBe("sh -c 'echo hi; ls'");
    expect(configValueText('ExposedPorts', '')).toBe('exposed');
    expect(configValueText('Volumes', '')).toBe('declared');
    expect(configValueText('User', '')).toBe('""');
    expect(configValueText('Env', null)).toBeNull();
    expect(configValueText('Env', 'hello')).toBe('hello');
  });
});
