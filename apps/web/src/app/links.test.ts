import { describe, expect, it } from 'vitest';
import { links } from './links.js';

describe('links', () => {
  it('keeps slashes readable in paths', () => {
    expect(links.files('abc', { path: '/etc/os-release' })).toBe('/images/abc/files?path=/etc/os-release');
    expect(links.files('abc', { path: '/opt/app/.env', deleted: true, at: 5 })).toBe('/images/abc/files?path=/opt/app/.env&deleted=1&at=5');
  });
  it('addresses layers and their tabs', () => {
    expect(links.layerFiles('abc', 3)).toBe('/images/abc/layers/3/files');
    expect(links.layerChanges('abc', 3, { path: '/etc/passwd', view: 'unified' })).toBe('/images/abc/layers/3/changes?path=/etc/passwd&view=unified');
    expect(links.archive('abc', 'manifest.json')).toBe('/images/abc/archive?path=manifest.json');
  });
  it('addresses the editor, the config editor and the draft', () => {
    expect(links.files('abc', { path: '/etc/os-release', edit: true })).toBe('/images/abc/files?path=/etc/os-release&edit=1');
    expect(links.config('abc', { edit: true })).toBe('/images/abc/config?edit=1');
    expect(links.config('abc')).toBe('/images/abc/config');
    expect(links.draft('abc')).toBe('/images/abc/draft');
  });
  it('addresses a comparison with both sides, their layers and the view', () => {
    expect(links.compare({ a: 'abc', b: 'def' })).toBe('/compare?a=abc&b=def');
    expect(links.compare({ a: 'abc', aLayer: 0, b: 'abc', bLayer: 4, path: '/etc/os-release', sort: 'delta', mtime: true })).toBe(
      '/compare?a=abc&aLayer=0&b=abc&bLayer=4&path=/etc/os-release&sort=delta&mtime=1',
    );
    expect(links.compare({ a: 'abc', b: 'def', sort: 'name', view: 'split' }, 'history')).toBe('/compare/history?a=abc&b=def');
  });
  it('addresses the packages view with its filters and selection', () => {
    expect(links.packages('abc')).toBe('/images/abc/packages');
    expect(links.packages('abc', { q: 'lib', layer: 0, ecosystem: 'deb,apk', sort: 'size', pkg: 'deb:libc6:amd64@/var/lib/dpkg/status' })).toBe(
      '/images/abc/packages?q=lib&layer=0&ecosystem=deb%2Capk&sort=size&pkg=deb%3Alibc6%3Aamd64%40/var/lib/dpkg/status',
    );
    expect(links.packages('abc', { unowned: true, sort: 'name' })).toBe('/images/abc/packages?view=unowned');
  });
});
