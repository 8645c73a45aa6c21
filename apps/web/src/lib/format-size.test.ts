import { describe, expect, it } from 'vitest';
import { formatBytesExact, formatSizeDelta, formatCount, formatSize, formatSpeed } from './format-size.js';

describe('formatSize', () => {
  it('keeps bytes below 1 KB exact', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(1)).toBe('1 B');
    expect(formatSize(1023)).toBe('1023 B');
  });
  it('uses binary multiples with at most three significant digits', () => {
    expect(formatSize(1024)).toBe('1 KB');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(2_097_152)).toBe('2 MB');
    expect(formatSize(65_536)).toBe('64 KB');
    expect(formatSize(123_456_789)).toBe('118 MB');
    expect(formatSize(10.25 * 1024 ** 3)).toBe('10.3 GB');
    expect(formatSize(1.234 * 1024 ** 2)).toBe('1.23 MB');
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
    expect(formatSpeed(1536)).toBe('1.5 KB/s');
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
    expect(formatSizeDelta(-1536)).toBe('−1.5 KB');
    expect(formatSizeDelta(0)).toBe('±0 B');
  });
});
