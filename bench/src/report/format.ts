import { median } from '../util/stats.js';

export const s = (ms: number): string => (ms >= 100_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`);
export const msf = (ms: number): string => (ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
export const mib = (bytes: number): string => (bytes >= 10 * 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`);
export const x = (r: number): string => `${r.toFixed(2)}×`;
export const int = (n: number): string => n.toLocaleString('en-US');
export const med = (xs: number[] | undefined): number => (xs && xs.length ? median(xs) : NaN);
export const spread = (xs: number[]): string => (xs.length > 1 ? ` (${s(Math.min(...xs))}–${s(Math.max(...xs))})` : '');
export const ok = (pass: boolean): string => (pass ? '✅ met' : '❌ missed');

/** A Markdown table; `align` has one letter per column, l or r (default: first column left, the rest right). */
export function table(head: string[], rows: string[][], align?: string): string {
  const a = align ?? `l${'r'.repeat(head.length - 1)}`;
  const rule = head.map((_, i) => (a[i] === 'r' ? '---:' : '---')).join('|');
  return [`| ${head.join(' | ')} |`, `|${rule}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export const bytes = (n: number): string => (n < 1024 * 1024 ? `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB` : mib(n));
