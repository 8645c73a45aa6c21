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
  it('shows the epoch and Go zero time as dates, not local times', () => {
    expect(formatDateTime('1970-01-01T00:00:00Z')).toBe('1970-01-01 (epoch)');
    expect(formatDateTime(0)).toBe('1970-01-01 (epoch)');
    expect(formatDateTime(1)).toBe('1970-01-01 (epoch)');
    expect(formatDateTime('0001-01-01T00:00:00Z')).toBe('0001-01-01 (unset)');
    expect(formatDateTime('1970-01-02T00:00:00Z')).not.toContain('epoch');
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
  it('counts whole units elapsed, singular for one', () => {
    expect(formatAge('2024-06-01T11:01:00Z', now)).toBe('59 minutes ago');
    expect(formatAge('2024-06-01T11:00:00Z', now)).toBe('1 hour ago');
    expect(formatAge('2024-05-31T12:00:00Z', now)).toBe('1 day ago');
    expect(formatAge('2024-05-02T12:00:00Z', now)).toBe('30 days ago');
    expect(formatAge('2024-05-01T12:00:00Z', now)).toBe('1 month ago');
    expect(formatAge('2023-06-01T12:00:01Z', now)).toBe('11 months ago');
    expect(formatAge('2023-06-01T12:00:00Z', now)).toBe('1 year ago');
  });
  it('counts years on the calendar: decades do not drift as with 360-day years', () => {
    const dec2026 = Date.parse('2026-12-06T05:00:00Z');
    expect(formatAge('1971-01-01T00:00:00Z', dec2026)).toBe('55 years ago');
    expect(formatAge('2000-01-01T00:00:00Z', dec2026)).toBe('26 years ago');
    expect(formatAge('1976-12-06T05:00:01Z', dec2026)).toBe('49 years ago');
  });
  it('shows an epoch or zero date plainly instead of an age', () => {
    const dec2026 = Date.parse('2026-12-06T05:00:00Z');
    expect(formatAge('1970-01-01T00:00:00Z', dec2026)).toBe('1970-01-01 (epoch)');
    expect(formatAge('0001-01-01T00:00:00Z', dec2026)).toBe('0001-01-01 (unset)');
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
