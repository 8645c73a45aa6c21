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
});
