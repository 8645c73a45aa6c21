/** Text formatting shared by the commands: sizes, modes, tables. */
import { formatBytes } from '@peel/engine';

/** Sizes in Docker's decimal units, as the web UI and the engine's messages give them: 2097152 → "2.1 MB". */
export const humanSize = formatBytes;

const TYPE_LETTER: Record<string, string> = { file: '-', dir: 'd', symlink: 'l', hardlink: 'h', char: 'c', block: 'b', fifo: 'p', whiteout: 'w', opaque: 'o' };

/** `ls -l` style: ('dir', 0o1777) → "drwxrwxrwt". */
export function modeString(type: string, mode: number): string {
  const rwx = (bits: number, special: boolean, ch: string) =>
    `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${special ? (bits & 1 ? ch : ch.toUpperCase()) : bits & 1 ? 'x' : '-'}`;
  return (TYPE_LETTER[type] ?? '?')
    + rwx((mode >> 6) & 7, (mode & 0o4000) !== 0, 's')
    + rwx((mode >> 3) & 7, (mode & 0o2000) !== 0, 's')
    + rwx(mode & 7, (mode & 0o1000) !== 0, 't');
}

export function octalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 && !rightAligned.has(i) ? c : rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd())
    .join('\n');
}

/** Shows control characters and invalid-UTF-8 escapes of a name visibly, so one name stays one line. */
export function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f\udc80-\udcff]/g, (c) => {
    const code = c.charCodeAt(0);
    return code >= 0xdc80 ? `\\x${(code - 0xdc00).toString(16)}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
