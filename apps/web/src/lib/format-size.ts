const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/**
 * Human size in binary multiples with decimal-looking units, like `docker images`:
 * 0 → "0 B", 1536 → "1.5 KB", 2097152 → "2 MB". Three significant digits at most.
 */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  const text = value.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, '$1');
  return `${text} ${UNITS[unit]}`;
}

/** Exact byte count with thousands separators, for tooltips: 2097152 → "2,097,152 bytes". */
export function formatBytesExact(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} ${bytes === 1 ? 'byte' : 'bytes'}`;
}

/** Transfer speed: 1536 → "1.5 KB/s". */
export function formatSpeed(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '–';
  return `${formatSize(Math.round(bytesPerSecond))}/s`;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** A count that fits a narrow column: 999 → "999", 50000 → "50K", 1250000 → "1.3M". */
export function formatCount(n: number): string {
  return compact.format(n);
}

/** A signed size change: 97 → "+97 B", -1536 → "−1.5 KB", 0 → "±0 B". */
export function formatSizeDelta(bytes: number): string {
  if (bytes === 0) return '±0 B';
  return `${bytes > 0 ? '+' : '−'}${formatSize(Math.abs(bytes))}`;
}
