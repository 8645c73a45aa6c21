import { describe, expect, it } from 'vitest';
import type { ImagePackage } from '@peel/api';
import { changeIn, installedVersion, layerCountsText, packageHistory } from './packages-text.js';

const pkg = (over: Partial<ImagePackage>): ImagePackage => ({
  ecosystem: 'deb',
  name: 'bash',
  version: '5.2',
  arch: 'amd64',
  layer: 0,
  upgrades: [],
  removedIn: null,
  size: 1000,
  installedSize: 2048,
  files: 3,
  source: null,
  license: null,
  database: '/var/lib/dpkg/status',
  ...over,
});

describe('per-layer counts in words', () => {
  it('says what the layer did, the noun with the first count', () => {
    expect(layerCountsText({ layer: 3, installed: 37, upgraded: 2, removed: 1, bytes: 112_000_000 })).toBe('installed 37 packages (112 MB), upgraded 2, removed 1');
    expect(layerCountsText({ layer: 3, installed: 1, upgraded: 0, removed: 0, bytes: 500 })).toBe('installed 1 package (500 B)');
    expect(layerCountsText({ layer: 3, installed: 0, upgraded: 1, removed: 4, bytes: 0 })).toBe('upgraded 1 package, removed 4');
    expect(layerCountsText({ layer: 3, installed: 0, upgraded: 0, removed: 2, bytes: 0 })).toBe('removed 2 packages');
    expect(layerCountsText({ layer: 3, installed: 0, upgraded: 0, removed: 0, bytes: 0 })).toBe('changed no package');
  });
});

describe('a package layer by layer', () => {
  const upgradedTwice = pkg({ version: '1.4', layer: 2, upgrades: [{ layer: 5, from: '1.2', to: '1.3' }, { layer: 6, from: '1.3', to: '1.4' }], removedIn: 7 });
  it('starts with the version it was installed with', () => {
    expect(installedVersion(upgradedTwice)).toBe('1.2');
    expect(installedVersion(pkg({}))).toBe('5.2');
  });
  it('lists install, each version change and the removal, in layer order', () => {
    expect(packageHistory(upgradedTwice).map((s) => s.text)).toEqual(['installed 1.2 in layer 2', '1.2 → 1.3 in layer 5', '1.3 → 1.4 in layer 6', 'removed in layer 7']);
    expect(packageHistory(pkg({})).map((s) => s.kind)).toEqual(['installed']);
  });
  it('says what one layer did to it', () => {
    expect(changeIn(upgradedTwice, 2)).toBe('installed');
    expect(changeIn(upgradedTwice, 6)).toBe('upgraded');
    expect(changeIn(upgradedTwice, 7)).toBe('removed');
    expect(changeIn(upgradedTwice, 3)).toBeNull();
  });
});
