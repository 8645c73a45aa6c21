import { describe, expect, it } from 'vitest';
import { formatBytesExact, formatSizeDelta, formatCount, formatSize, formatSpeed } from './format-size.js';

describe('formatSize', () => {
  it('keeps bytes below 1 kB exact', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(1)).toBe('1 B');
    expect(formatSize(999)).toBe('999 B');
  });
  it('uses decimal units like Docker, with at most three significant digits', () => {
    expect(formatSize(1000)).toBe('1 kB');
    expect(formatSize(1024)).toBe('1.02 kB');
    expect(formatSize(1500)).toBe('1.5 kB');
    expect(formatSize(2_000_000)).toBe('2 MB');
    expect(formatSize(65_536)).toBe('65.5 kB');
    expect(formatSize(123_456_789)).toBe('123 MB');
    expect(formatSize(10.25e9)).toBe('10.3 GB');
    expect(formatSize(1_234_000)).toBe('1.23 MB');
    expect(formatSize(999_999)).toBe('1 MB');
    expect(formatSize(999_499)).toBe('999 kB');
  });
  it('says what `docker images` says for the same bytes (4.15MB), not the base-1024 3.95', () => {
    expect(formatSize(4_149_632)).toBe('4.15 MB');
    expect(formatSize(20_480_000)).toBe('20.5 MB');
  });
  it('refuses nonsense', () => {
    expect(formatSize(-1)).toBe('–');
    expect(formatSize(Number.NaN)).toBe('–');
  });
});

describe('formatBytesExact', () => {
  it('groups digits', () => {
    expect(formatBytesExact(2_097_152)).toBe('2,097,152 bytes');
    expect(formatBytesExact(1)).toBe('1 byte');
  });
});

describe('formatSpeed', () => {
  it('appends per second', () => {
    expect(formatSpeed(1500)).toBe('1.5 kB/s');
    expect(formatSpeed(0)).toBe('–');
  });
});

describe('formatCount', () => {
  it('stays short', () => {
    expect(formatCount(7)).toBe('7');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(50_000)).toBe('50K');
    expect(formatCount(1_250_000)).toBe('1.3M');
  });
});

describe('formatSizeDelta', () => {
  it('signs the change', () => {
    expect(formatSizeDelta(97)).toBe('+97 B');
    expect(formatSizeDelta(-1500)).toBe('−1.5 kB');
    expect(formatSizeDelta(0)).toBe('±0 B');
  });
});
