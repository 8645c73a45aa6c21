import { plural } from './plural.js';

const DAY_MS = 86_400_000;

/**
 * A creation time that stands for "unknown" rather than a moment: anything on 1970-01-01 UTC (the
 * Unix epoch, which reproducible builds write) or earlier (Go's zero time, 0001-01-01). Shown as
 * the plain date and what it is, never as a local time or an age.
 */
function placeholderDate(ms: number): string | null {
  if (ms >= DAY_MS) return null;
  return ms >= 0 ? '1970-01-01 (epoch)' : `${new Date(ms).toISOString().slice(0, 10)} (unset)`;
}

function toMs(value: string | number): number {
  return typeof value === 'number' ? value * 1000 : new Date(value).getTime();
}

/** Local date and time to the minute, "2024-01-01 00:00"; "–" for missing or invalid input; epoch and zero dates as themselves. */
export function formatDateTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '–';
  const ms = toMs(value);
  if (Number.isNaN(ms)) return '–';
  const placeholder = placeholderDate(ms);
  if (placeholder) return placeholder;
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Whole calendar months from `from` to `to` (UTC): 2024-01-15 → 2024-03-14 is 1, → 2024-03-15 is 2. */
function wholeMonths(from: Date, to: Date): number {
  const intoMonth = (d: Date) => d.getTime() - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  return intoMonth(to) < intoMonth(from) ? months - 1 : months;
}

/**
 * Age of a moment relative to `now` in whole units elapsed: "just now", "5 minutes ago", "3 days
 * ago", "2 months ago", "56 years ago". Months and years are counted on the calendar, so long ages
 * do not drift; an epoch or zero date is shown as a date (see placeholderDate).
 */
export function formatAge(value: string | null | undefined, now: number = Date.now()): string {
  if (!value) return '–';
  const then = toMs(value);
  if (Number.isNaN(then)) return '–';
  const placeholder = placeholderDate(then);
  if (placeholder) return placeholder;
  const seconds = Math.floor((now - then) / 1000);
  if (seconds < 60) return 'just now';
  const ago = (n: number, unit: string) => `${plural(n, unit)} ago`;
  if (seconds < 3600) return ago(Math.floor(seconds / 60), 'minute');
  if (seconds < 86_400) return ago(Math.floor(seconds / 3600), 'hour');
  const months = wholeMonths(new Date(then), new Date(now));
  if (months < 1) return ago(Math.floor(seconds / 86_400), 'day');
  if (months < 12) return ago(months, 'month');
  return ago(Math.floor(months / 12), 'year');
}

/** Remaining time: 75 → "1 min 15 s", 4 → "4 s", Infinity → "–". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
