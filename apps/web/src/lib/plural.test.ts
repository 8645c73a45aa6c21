import { describe, expect, it } from 'vitest';
import { plural, pluralNoun, someOf } from './plural.js';

describe('plural', () => {
  it('is singular for exactly one and plural for zero, several and fractions', () => {
    expect(plural(1, 'layer')).toBe('1 layer');
    expect(plural(0, 'layer')).toBe('0 layers');
    expect(plural(2, 'layer')).toBe('2 layers');
    expect(plural(1.5, 'file')).toBe('1.5 files');
  });
  it('takes an irregular plural', () => {
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(13, 'entry', 'entries')).toBe('13 entries');
    expect(plural(2, 'binary', 'binaries')).toBe('2 binaries');
  });
  it('groups thousands', () => {
    expect(plural(50_000, 'file')).toBe('50,000 files');
  });
  it('gives the noun alone for a count shown another way', () => {
    expect(pluralNoun(1, 'item')).toBe('item');
    expect(pluralNoun(50_000, 'item')).toBe('items');
    expect(pluralNoun(1, 'copy', 'copies')).toBe('copy');
  });
});

describe('someOf', () => {
  it('lists up to three names, then says how many more', () => {
    expect(someOf(['a'])).toBe('a');
    expect(someOf(['a', 'b', 'c'])).toBe('a, b, c');
    expect(someOf(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more');
    expect(someOf(['a', 'b'], 1)).toBe('a and 1 more');
  });
});
