import { describe, expect, it } from 'vitest';
import { mergeLayers, resolvePath, type LayerEntry } from '../src/index.js';
import { layerEntry as e } from './helpers.js';
const paths = (layers: LayerEntry[][]) => [...mergeLayers(layers).nodes()].map((n) => n.path).sort();

describe('merged filesystem (OCI layer semantics)', () => {
  it('a whiteout deletes a lower file and keeps it as shadowed, readable from its layer', () => {
    const fs = mergeLayers([[e('a', 'dir'), e('a/secret')], [e('a/.keep'), e('a/secret', 'whiteout')]]);
    expect(fs.get('a/secret')).toBeUndefined();
    const gone = fs.shadowed('a');
    expect(gone).toHaveLength(1);
    expect(gone[0]).toMatchObject({ path: 'a/secret', layer: 0, deletedBy: 1, overwrittenBy: null });
    expect(gone[0].content?.layer).toBe(0);
  });

  it('a whiteout of a directory deletes its whole subtree', () => {
    const fs = mergeLayers([[e('d', 'dir'), e('d/x', 'dir'), e('d/x/y')], [e('d', 'whiteout')]]);
    expect([...fs.nodes()]).toHaveLength(0);
    expect(fs.allShadowed().map((s) => [s.path, s.deletedBy]).sort()).toEqual([['d', 1], ['d/x', 1], ['d/x/y', 1]]);
  });

  it('an opaque marker hides lower children but keeps same-layer ones, wherever it sits in the layer', () => {
    const lower = [e('c', 'dir'), e('c/old1'), e('c/sub', 'dir'), e('c/sub/f')];
    expect(paths([lower, [e('c', 'dir'), e('c/new'), e('c', 'opaque')]])).toEqual(['c', 'c/new']);
    expect(paths([lower, [e('c', 'opaque'), e('c', 'dir'), e('c/new')]])).toEqual(['c', 'c/new']);
  });

  it('an opaque marker at the root hides the whole lower filesystem', () => {
    expect(paths([[e('x'), e('y', 'dir'), e('y/z')], [e('', 'opaque'), e('n')]])).toEqual(['n']);
  });

  it('a whiteout of something that does not exist is a no-op', () => {
    const fs = mergeLayers([[e('a')], [e('nothing', 'whiteout')]]);
    expect(fs.changes(1)).toEqual([]);
    expect(paths([[e('a')], [e('nothing', 'whiteout')]])).toEqual(['a']);
  });

  it('x then .wh.x in one layer keeps x (spec) and warns that Docker disagrees', () => {
    const fs = mergeLayers([[e('x')], [e('x'), e('x', 'whiteout')]]);
    expect(fs.get('x')?.layer).toBe(1);
    expect(fs.problems.map((p) => p.code)).toContain('SAME_LAYER_WHITEOUT');
  });

  it('.wh.w then w/ and w/g: w holds only g', () => {
    expect(paths([[e('w', 'dir'), e('w/f')], [e('w', 'whiteout'), e('w', 'dir'), e('w/g')]])).toEqual(['w', 'w/g']);
  });

  it('a file replaces a directory and its children; a directory replaces a file', () => {
    const fs = mergeLayers([[e('p', 'dir'), e('p/q'), e('f')], [e('p'), e('f', 'dir'), e('f/inside')]]);
    expect(fs.get('p')?.entry.type).toBe('file');
    expect(fs.get('p/q')).toBeUndefined();
    expect(fs.get('f')?.entry.type).toBe('dir');
    expect(fs.shadowed('').map((s) => [s.path, s.overwrittenBy])).toEqual([['p', 1], ['f', 1]]);
    expect(fs.shadowed('p').map((s) => [s.path, s.deletedBy])).toEqual([['p/q', 1]]);
  });

  it('a directory over a directory merges and takes the new attributes', () => {
    const fs = mergeLayers([[e('a', 'dir'), e('a/b')], [e('a', 'dir', { mode: 0o700 })]]);
    expect(fs.get('a')?.entry.mode).toBe(0o700);
    expect(fs.get('a/b')?.layer).toBe(0);
    expect(fs.changes(1)).toMatchObject([{ path: 'a', change: 'modified', metadataOnly: true }]);
  });

  it('a hard link keeps its content when the original is deleted later', () => {
    const fs = mergeLayers([[e('orig'), e('link', 'hardlink', { linkTarget: 'orig' })], [e('orig', 'whiteout')]]);
    const link = fs.get('link')!;
    expect(link.content?.entry.path).toBe('orig');
    expect(link.content?.layer).toBe(0);
  });

  it('a hard link to a missing target is reported', () => {
    const fs = mergeLayers([[e('link', 'hardlink', { linkTarget: 'nowhere' })]]);
    expect(fs.problems.map((p) => p.code)).toEqual(['HARDLINK_MISSING_TARGET']);
  });

  it('creates missing parents implicitly', () => {
    const fs = mergeLayers([[e('deep/er/file')]]);
    expect(fs.get('deep')).toMatchObject({ implicit: true, layer: 0 });
    expect(fs.get('deep/er')?.entry.type).toBe('dir');
  });

  it('a path under a symlinked parent becomes a directory, with a warning', () => {
    const fs = mergeLayers([[e('real', 'dir'), e('s', 'symlink', { linkTarget: 'real' })], [e('s/f')]]);
    expect(fs.get('s')?.entry.type).toBe('dir');
    expect(fs.problems.map((p) => p.code)).toContain('WRITE_THROUGH_NON_DIRECTORY');
  });

  it('duplicate entries in one layer: the last one wins', () => {
    const fs = mergeLayers([[e('dup', 'file', { size: 1 }), e('dup', 'file', { size: 2 })]]);
    expect(fs.get('dup')?.entry.size).toBe(2);
  });
});

describe('layer changes', () => {
  it('names added, modified (content or metadata only) and deleted paths with the previous layer', () => {
    const base = [e('etc', 'dir'), e('etc/a', 'file', { digest: 'sha256:1' }), e('etc/b', 'file', { digest: 'sha256:2' }), e('etc/c')];
    const top = [e('etc', 'dir'), e('etc/a', 'file', { digest: 'sha256:1', mode: 0o600 }), e('etc/b', 'file', { digest: 'sha256:3', size: 9 }), e('etc/c', 'whiteout'), e('etc/new')];
    const changes = mergeLayers([base, top]).changes(1);
    const byPath = Object.fromEntries(changes.map((c) => [c.path, c]));
    expect(byPath['etc/a']).toMatchObject({ change: 'modified', metadataOnly: true, previousLayer: 0 });
    expect(byPath['etc/b']).toMatchObject({ change: 'modified', metadataOnly: false, size: 9, previousSize: 3 });
    expect(byPath['etc/c']).toMatchObject({ change: 'deleted', previousLayer: 0, type: 'file' });
    expect(byPath['etc/new']).toMatchObject({ change: 'added', previousLayer: null });
    expect(byPath.etc).toBeUndefined();
  });

  it('an opaque directory re-created with some of the same names shows modifications, not delete+add', () => {
    const changes = mergeLayers([[e('c', 'dir'), e('c/keep'), e('c/gone')], [e('c', 'opaque'), e('c', 'dir'), e('c/keep')]]).changes(1);
    expect(changes.map((c) => [c.path, c.change]).sort()).toEqual([['c/gone', 'deleted'], ['c/keep', 'modified']]);
  });
});

describe('resolvePath', () => {
  const fs = mergeLayers([[
    e('bin', 'dir'), e('bin/busybox'), e('bin/sh', 'symlink', { linkTarget: 'busybox' }),
    e('usr', 'dir'), e('usr/bin', 'dir'), e('usr/bin/env', 'symlink', { linkTarget: '/bin/busybox' }),
    e('lib', 'symlink', { linkTarget: 'usr/bin' }), e('up', 'symlink', { linkTarget: '../../../../bin/sh' }),
    e('loop1', 'symlink', { linkTarget: 'loop2' }), e('loop2', 'symlink', { linkTarget: 'loop1' }),
  ]]);
  it('follows relative, absolute and parent symlinks inside the image', () => {
    expect(resolvePath(fs, '/bin/sh')?.path).toBe('bin/busybox');
    expect(resolvePath(fs, '/usr/bin/env')?.path).toBe('bin/busybox');
    expect(resolvePath(fs, '/lib/env')?.path).toBe('bin/busybox');
    expect(resolvePath(fs, '/up')?.path).toBe('bin/busybox');
  });
  it('returns null for loops and missing paths', () => {
    expect(resolvePath(fs, '/loop1')).toBeNull();
    expect(resolvePath(fs, '/nope')).toBeNull();
  });
});
