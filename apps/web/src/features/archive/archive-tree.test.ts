import { describe, expect, it } from 'vitest';
import type { ArchiveEntry } from '@peel/api';
import { buildArchiveTree } from './archive-tree.js';

const e = (path: string, role = 'other', type: ArchiveEntry['type'] = 'file'): ArchiveEntry => ({
  path, type, size: 1, role, digest: null, linkTarget: null, label: null, mediaType: null,
});

describe('buildArchiveTree', () => {
  it('nests paths and fills in unlisted directories', () => {
    const tree = buildArchiveTree([e('index.json', 'index.json'), e('blobs/sha256/aaa', 'layer'), e('blobs/sha256/bbb', 'config'), e('oci-layout', 'oci-layout')]);
    expect(tree.map((n) => n.name)).toEqual(['index.json', 'oci-layout', 'blobs']);
    expect(tree[2].entry).toBeNull();
    expect(tree[2].children[0].path).toBe('blobs/sha256');
    expect(tree[2].children[0].children.map((n) => n.entry?.role)).toEqual(['config', 'layer']);
  });
  it('merges listed directories with their contents and drops ./ prefixes', () => {
    const tree = buildArchiveTree([e('./abc/', 'directory', 'dir'), e('./abc/layer.tar', 'layer'), e('manifest.json', 'manifest.json')]);
    expect(tree[1]).toMatchObject({ name: 'abc', path: 'abc' });
    expect(tree[1].entry?.role).toBe('directory');
    expect(tree[1].children[0].path).toBe('abc/layer.tar');
  });
  it('puts the files that describe the image first, then configs, then layers (a folder ranks as its best file)', () => {
    const hash = (c: string) => c.repeat(64);
    const tree = buildArchiveTree([
      e(`${hash('a')}/`, 'directory', 'dir'),
      e(`${hash('a')}/VERSION`, 'version'),
      e(`${hash('a')}/json`, 'legacy-json'),
      e(`${hash('a')}/layer.tar`, 'layer'),
      e(`${hash('0')}/layer.tar`, 'layer'),
      e(`${hash('c')}.json`, 'config'),
      e('repositories', 'repositories'),
      e('manifest.json', 'manifest.json'),
      e('blobs/sha256/1', 'layer'),
      e('blobs/sha256/2', 'manifest'),
      e('blobs/sha256/3', 'config'),
      e('index.json', 'index.json'),
      e('oci-layout', 'oci-layout'),
      e('README', 'other'),
    ]);
    expect(tree.map((n) => n.name)).toEqual(['manifest.json', 'index.json', 'oci-layout', 'repositories', 'blobs', `${hash('c')}.json`, hash('0'), hash('a'), 'README']);
    expect(tree[4].children[0].children.map((n) => n.name)).toEqual(['2', '3', '1']);
    expect(tree[7].children.map((n) => n.name)).toEqual(['layer.tar', 'json', 'VERSION']);
  });
});
