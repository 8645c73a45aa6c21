import { describe, expect, it } from 'vitest';
import { ancestors, joinChild, baseName, depth, normalizePath, parentPath, resolveLinkTarget } from './paths.js';

describe('paths', () => {
  it('finds parents and names', () => {
    expect(parentPath('/etc/os-release')).toBe('/etc');
    expect(parentPath('/etc')).toBe('/');
    expect(parentPath('/')).toBe('/');
    expect(baseName('/etc/os-release')).toBe('os-release');
    expect(baseName('/opt/app/conf/with space.conf')).toBe('with space.conf');
    expect(baseName('/')).toBe('/');
  });
  it('lists ancestors outermost first', () => {
    expect(ancestors('/a/b/c')).toEqual(['/', '/a', '/a/b']);
    expect(ancestors('/etc')).toEqual(['/']);
  });
  it('measures depth', () => {
    expect(depth('/')).toBe(0);
    expect(depth('/etc')).toBe(1);
    expect(depth('/etc/ssl/certs')).toBe(3);
  });
  it('normalises without climbing above the root', () => {
    expect(normalizePath('/opt/app/cache/../conf/keep.conf')).toBe('/opt/app/conf/keep.conf');
    expect(normalizePath('/../../etc//passwd')).toBe('/etc/passwd');
    expect(normalizePath('')).toBe('/');
  });
  it('resolves symlink and hard-link targets inside the image', () => {
    expect(resolveLinkTarget('/opt/app/cache/keep.conf.rel', '../conf/keep.conf', 'symlink')).toBe('/opt/app/conf/keep.conf');
    expect(resolveLinkTarget('/etc/app.conf', '/opt/app/conf/keep.conf', 'symlink')).toBe('/opt/app/conf/keep.conf');
    expect(resolveLinkTarget('/bin/sh', 'busybox', 'symlink')).toBe('/bin/busybox');
    expect(resolveLinkTarget('/opt/app/conf/data.hardlink', 'opt/app/conf/data.bin', 'hardlink')).toBe('/opt/app/conf/data.bin');
  });
  it('joins a child name to a folder', () => {
    expect(joinChild('/', 'etc')).toBe('/etc');
    expect(joinChild('/etc', 'motd')).toBe('/etc/motd');
  });
});
