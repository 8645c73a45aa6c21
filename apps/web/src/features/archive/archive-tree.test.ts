import { describe, expect, it } from 'vitest';
import type { ArchiveEntry } from '@peel/api';
import { buildArchiveTree } from './archive-tree.js';

const e = (path: string, role = 'other', type: ArchiveEntry['type'] = 'file'): ArchiveEntry => ({
  path, type, size: 1, role, digest: null, linkTarget: null, label: null, mediaType: null,
});

describe('buildArchiveTree', () => {
  it('nests paths and fills in unlisted directories', () => {
    const tree = buildArchiveTree([e('index.json', 'index.json'), e('blobs/sha256/aaa', 'layer'), e('blobs/sha256/bbb', 'config'), e('oci-layout', 'oci-layout')]);
    expect(tree.map((n) => n.name)).toEqual(['blobs', 'index.json', 'oci-layout']);
    expect(tree[0].entry).toBeNull();
    expect(tree[0].children[0].path).toBe('blobs/sha256');
    expect(tree[0].children[0].children.map((n) => n.entry?.role)).toEqual(['layer', 'config']);
  });
  it('merges listed directories with their contents and drops ./ prefixes', () => {
    const tree = buildArchiveTree([e('./abc/', 'directory', 'dir'), e('./abc/layer.tar', 'layer'), e('manifest.json', 'manifest.json')]);
    expect(tree[0]).toMatchObject({ name: 'abc', path: 'abc' });
    expect(tree[0].entry?.role).toBe('directory');
    expect(tree[0].children[0].path).toBe('abc/layer.tar');
  });
});
