const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/**
 * Human size in decimal units, the way Docker prints sizes (`docker images`, `docker history`):
 * 0 → "0 B", 1500 → "1.5 kB", 4150000 → "4.15 MB". Three significant digits at most.
 */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1000) return `${bytes} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  let shown = Number(value.toPrecision(3));
  // 999,999 bytes round to 1000 kB: say 1 MB.
  if (shown >= 1000 && unit < UNITS.length - 1) {
    shown = Number((shown / 1000).toPrecision(3));
    unit += 1;
  }
  return `${shown} ${UNITS[unit]}`;
}

/** Exact byte count with thousands separators, for tooltips: 2097152 → "2,097,152 bytes". */
export function formatBytesExact(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} ${bytes === 1 ? 'byte' : 'bytes'}`;
}

/** Transfer speed: 1500 → "1.5 kB/s". */
export function formatSpeed(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '–';
  return `${formatSize(Math.round(bytesPerSecond))}/s`;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** A count that fits a narrow column: 999 → "999", 50000 → "50K", 1250000 → "1.3M". */
export function formatCount(n: number): string {
  return compact.format(n);
}

/** A signed size change: 97 → "+97 B", -1500 → "−1.5 kB", 0 → "±0 B". */
export function formatSizeDelta(bytes: number): string {
  if (bytes === 0) return '±0 B';
  return `${bytes > 0 ? '+' : '−'}${formatSize(Math.abs(bytes))}`;
}
