import { describe, expect, it } from 'vitest';
import { links } from '../../app/links.js';
import { ecosystemParam, nameOfRef, packageRef, readPackagesParams, toggleEcosystem, toParams } from './packages-params.js';

const read = (query: string) => readPackagesParams(new URLSearchParams(query));

describe('packages view URL', () => {
  it('reads the defaults from an empty query', () => {
    expect(read('')).toEqual({ q: '', layer: undefined, ecosystems: [], sort: 'name', pkg: undefined, unowned: false });
  });
  it('reads filters, the selection and the unowned view, dropping what is not valid', () => {
    expect(read('q=lib&layer=3&ecosystem=rpm,deb,cargo&sort=size&pkg=deb:bash@/var/lib/dpkg/status&view=unowned')).toEqual({
      q: 'lib',
      layer: 3,
      ecosystems: ['deb', 'rpm'],
      sort: 'size',
      pkg: 'deb:bash@/var/lib/dpkg/status',
      unowned: true,
    });
    expect(read('layer=-1&sort=date').layer).toBeUndefined();
    expect(read('layer=2x').layer).toBeUndefined();
    expect(read('sort=date').sort).toBe('name');
  });
  it('survives a round trip through the link', () => {
    const state = read('q=ssl&layer=0&ecosystem=apk&sort=size&pkg=apk:musl:x86_64@/lib/apk/db/installed');
    const url = new URL(links.packages('abc', toParams(state)), 'http://x');
    expect(readPackagesParams(url.searchParams)).toEqual(state);
  });
});

describe('ecosystem filter', () => {
  it('sends nothing for none or all, else the chosen ones in a fixed order', () => {
    expect(ecosystemParam([])).toBeUndefined();
    expect(ecosystemParam(['pypi', 'npm', 'rpm', 'apk', 'deb'])).toBeUndefined();
    expect(ecosystemParam(['rpm', 'deb'])).toBe('deb,rpm');
  });
  it('toggles one on and off; the last one off (or all on) shows every ecosystem', () => {
    expect(toggleEcosystem([], 'rpm')).toEqual(['rpm']);
    expect(toggleEcosystem(['rpm'], 'deb')).toEqual(['deb', 'rpm']);
    expect(toggleEcosystem(['rpm'], 'rpm')).toEqual([]);
    expect(toggleEcosystem(['deb', 'apk', 'rpm', 'npm'], 'pypi')).toEqual([]);
  });
});

describe('package reference', () => {
  it('tells apart two architectures of one name and two databases listing one name', () => {
    const a = packageRef({ ecosystem: 'deb', name: 'libc6', arch: 'amd64', database: '/var/lib/dpkg/status' });
    const b = packageRef({ ecosystem: 'deb', name: 'libc6', arch: 'i386', database: '/var/lib/dpkg/status' });
    const c = packageRef({ ecosystem: 'npm', name: 'lodash', arch: null, database: '/app/node_modules/lodash/package.json' });
    const d = packageRef({ ecosystem: 'npm', name: 'lodash', arch: null, database: '/app/node_modules/x/node_modules/lodash/package.json' });
    expect(new Set([a, b, c, d]).size).toBe(4);
    expect(a).toBe('deb:libc6:amd64@/var/lib/dpkg/status');
    expect(c).toBe('npm:lodash@/app/node_modules/lodash/package.json');
  });
  it('gives back the name to search for', () => {
    expect(nameOfRef('deb:libc6:amd64@/var/lib/dpkg/status')).toBe('libc6');
    expect(nameOfRef('npm:lodash@/app/node_modules/lodash/package.json')).toBe('lodash');
    expect(nameOfRef('garbage')).toBeUndefined();
  });
});
