import { describe, expect, it } from 'vitest';
import { formatAge, formatDateTime, formatDuration } from './format-time.js';

describe('formatDateTime', () => {
  it('formats ISO strings and epoch seconds in local time', () => {
    const local = new Date(2024, 0, 1, 9, 5);
    expect(formatDateTime(local.toISOString())).toBe('2024-01-01 09:05');
    expect(formatDateTime(local.getTime() / 1000)).toBe('2024-01-01 09:05');
  });
  it('shows a dash for missing values', () => {
    expect(formatDateTime(null)).toBe('–');
    expect(formatDateTime('not a date')).toBe('–');
  });
});

describe('formatAge', () => {
  const now = Date.parse('2024-06-01T12:00:00Z');
  it('rounds to the largest sensible unit', () => {
    expect(formatAge('2024-06-01T11:59:50Z', now)).toBe('just now');
    expect(formatAge('2024-06-01T11:55:00Z', now)).toBe('5 minutes ago');
    expect(formatAge('2024-06-01T10:00:00Z', now)).toBe('2 hours ago');
    expect(formatAge('2024-05-29T12:00:00Z', now)).toBe('3 days ago');
    expect(formatAge('2022-06-01T12:00:00Z', now)).toBe('2 years ago');
  });
});

describe('formatDuration', () => {
  it('uses seconds, minutes and hours', () => {
    expect(formatDuration(4.2)).toBe('5 s');
    expect(formatDuration(75)).toBe('1 min 15 s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3 h 2 min');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('–');
  });
});
