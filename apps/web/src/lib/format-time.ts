/** Local date and time to the minute, "2024-01-01 00:00"; "–" for missing or invalid input. */
export function formatDateTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '–';
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) return '–';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Rough age of a moment relative to `now`: "just now", "5 minutes ago", "3 days ago". */
export function formatAge(value: string | null | undefined, now: number = Date.now()): string {
  if (!value) return '–';
  const then = new Date(value).getTime();
  if (Number.isNaN(then)) return '–';
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 45) return 'just now';
  const steps: Array<[number, string]> = [
    [60, 'minute'],
    [60, 'hour'],
    [24, 'day'],
    [30, 'month'],
    [12, 'year'],
  ];
  let amount = seconds / 60;
  let unit = 'minute';
  for (let i = 1; i < steps.length && amount >= steps[i][0]; i += 1) {
    amount /= steps[i][0];
    unit = steps[i][1];
  }
  const n = Math.max(1, Math.round(amount));
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
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
