import { describe, expect, it } from 'vitest';
import { links } from '../../app/links.js';
import { ALL_CHANGES, kindsParam, readCompareParams, sidesOf, swapSides, toggleKind, toParams } from './compare-params.js';

const read = (query: string) => readCompareParams(new URLSearchParams(query));

describe('compare params', () => {
  it('reads both sides, their layers and the filters', () => {
    const state = read('a=abc&aLayer=0&b=def&bLayer=12&path=/etc/os-release&kinds=removed,added&q=os&sort=delta&unchanged=1&mtime=1&view=unified');
    expect(state).toEqual({
      a: 'abc',
      aLayer: 0,
      aDraft: false,
      b: 'def',
      bLayer: 12,
      bDraft: false,
      path: '/etc/os-release',
      kinds: ['added', 'removed'],
      q: 'os',
      sort: 'delta',
      unchanged: true,
      mtime: true,
      view: 'unified',
    });
    expect(sidesOf(state)).toEqual({ a: 'abc', aLayer: 0, b: 'def', bLayer: 12 });
  });

  it('defaults to every kind, by name, changes only, mtime-only hidden, side by side', () => {
    const state = read('a=abc&kinds=bogus&aLayer=-1&bLayer=x');
    expect(state.kinds).toEqual(ALL_CHANGES);
    expect(state).toMatchObject({ aLayer: undefined, bLayer: undefined, q: '', sort: 'name', unchanged: false, mtime: false, view: 'split' });
    expect(sidesOf(state)).toBeNull();
  });

  it('writes back the URL it was read from', () => {
    const url = '/compare?a=abc&aLayer=2&b=def&path=/usr/bin&kinds=added%2Cmodified&q=bin&sort=delta&mtime=1&view=unified';
    expect(links.compare(toParams(read(url.split('?')[1])))).toBe(url);
    expect(links.compare(toParams(read('a=abc&b=def')))).toBe('/compare?a=abc&b=def');
  });

  it('swaps the sides with their layers, keeping the rest', () => {
    const swapped = swapSides(read('a=abc&aLayer=3&b=def&path=/etc'));
    expect(swapped).toMatchObject({ a: 'def', aLayer: undefined, b: 'abc', bLayer: 3, path: '/etc' });
  });

  it('a side with its draft: read, written back, swapped', () => {
    const state = read('a=abc&b=abc&bDraft=1');
    expect(sidesOf(state)).toEqual({ a: 'abc', aLayer: undefined, b: 'abc', bLayer: undefined, bDraft: true });
    expect(links.compare(toParams(state))).toBe('/compare?a=abc&b=abc&bDraft=1');
    expect(swapSides(state)).toMatchObject({ a: 'abc', aDraft: true, b: 'abc', bDraft: false });
    expect(read('a=abc&b=abc&bDraft=0').bDraft).toBe(false);
  });

  it('toggles kinds in a fixed order and never to none', () => {
    expect(toggleKind(ALL_CHANGES, 'added')).toEqual(['removed', 'modified', 'type', 'metadata']);
    expect(toggleKind(['metadata'], 'added')).toEqual(['added', 'metadata']);
    expect(toggleKind(['metadata'], 'metadata')).toEqual(ALL_CHANGES);
    expect(kindsParam(ALL_CHANGES)).toBeUndefined();
    expect(kindsParam(['modified', 'added'])).toBe('added,modified');
  });
});
