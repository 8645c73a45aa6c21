/**
 * Bounded reading of package-database text: a file read only under its size limit, lines split
 * on the bytes (a line over the limit is never decoded), invalid UTF-8 replaced and reported.
 */
import { isUtf8 } from 'node:buffer';
import type { LayerFiles, PackageLimits } from './types.js';

/**
 * The bytes of a database file, or null when it is absent. One over `maxDatabaseBytes` is not
 * read: a warning says so and the answer is null.
 */
export async function readBounded(files: LayerFiles, path: string, limits: PackageLimits, warnings: string[]): Promise<Buffer | null> {
  return bounded(await files.read(path, limits.maxDatabaseBytes), path, limits, warnings);
}

/** What `LayerFiles.read` answered, as readBounded takes it. */
export function bounded(got: Buffer | null | { tooBig: number }, path: string, limits: PackageLimits, warnings: string[]): Buffer | null {
  if (got === null) return null;
  if (!Buffer.isBuffer(got)) {
    warnings.push(`${path} is ${got.tooBig} bytes, over the limit of ${limits.maxDatabaseBytes}: not read`);
    return null;
  }
  if (got.length > limits.maxDatabaseBytes) {
    warnings.push(`${path} is ${got.length} bytes, over the limit of ${limits.maxDatabaseBytes}: not read`);
    return null;
  }
  return got;
}

/** Warns (once per file) when `bytes` are not valid UTF-8; decoding then replaces them with U+FFFD. */
export function checkUtf8(bytes: Buffer, path: string, warnings: string[]): void {
  if (!isUtf8(bytes)) warnings.push(`${path} is not valid UTF-8: the bytes that are not were replaced with U+FFFD`);
}

/** A line of the file: its text, or null when it is longer than the limit (not decoded). */
export type Line = string | null;

/** The lines of `bytes` (without `\n`, a trailing `\r` dropped), each over `maxLineBytes` as null. */
export function* linesOf(bytes: Buffer, maxLineBytes: number): Generator<Line> {
  let pos = 0;
  while (pos < bytes.length) {
    let end = bytes.indexOf(0x0a, pos);
    if (end < 0) end = bytes.length;
    let stop = end;
    if (stop > pos && bytes[stop - 1] === 0x0d) stop--;
    yield stop - pos > maxLineBytes ? null : bytes.toString('utf8', pos, stop);
    pos = end + 1;
  }
}

/** What a normal absolute path never holds: `//`, a `.` or `..` part, a trailing `/` (besides `/` itself). */
const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)|.\/$/;

/**
 * An absolute path written by a database (`/usr/bin/ls`, or relative to `base`), normalised:
 * `.` and empty parts dropped, `..` applied. Null when it climbs above the root (a `..` cycle
 * or an escape), which no package can own.
 */
export function normaliseOwnedPath(raw: string, base = '/'): string | null {
  // Nearly every path a database lists is normal already: no need to split it.
  if (raw.startsWith('/') && !NOT_NORMAL.test(raw)) return raw;
  const parts: string[] = [];
  const full = raw.startsWith('/') ? raw : `${base}/${raw}`;
  for (const part of full.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return `/${parts.join('/')}`;
}
