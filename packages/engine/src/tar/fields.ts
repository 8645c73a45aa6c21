/**
 * Field-level codec of a 512-byte tar block: NUL-terminated strings and numbers in octal or
 * GNU base-256 (as Go's archive/tar `parseNumeric`/`formatNumeric`). Pure functions on bytes.
 */

export const BLOCK = 512;

/** Field offsets [start, end) in a header block (USTAR, with the GNU and STAR variants). */
export const F = {
  name: [0, 100],
  mode: [100, 108],
  uid: [108, 116],
  gid: [116, 124],
  size: [124, 136],
  mtime: [136, 148],
  chksum: [148, 156],
  typeflag: [156, 157],
  linkName: [157, 257],
  magic: [257, 263],
  version: [263, 265],
  uname: [265, 297],
  gname: [297, 329],
  devMajor: [329, 337],
  devMinor: [337, 345],
  prefix: [345, 500],
  starPrefix: [345, 476],
  gnuSparse: [386, 482],
  gnuIsExtended: [482, 483],
  gnuRealSize: [483, 495],
} as const satisfies Record<string, readonly [number, number]>;

/** Thrown by field parsers; the header parser turns it into a BAD_TAR_HEADER EngineError. */
export class FieldError extends Error {}

/** Bytes of `b[start, end)` up to the first NUL. */
export function fieldBytes(b: Buffer, start: number, end: number): Buffer {
  const nul = b.indexOf(0, start);
  return b.subarray(start, nul >= 0 && nul < end ? nul : end);
}

/**
 * Parses a numeric field. Base-256 when the high bit of the first byte is set (negative values
 * allowed only when `allowNegative`), else octal with leading/trailing spaces and NULs ignored.
 */
export function parseNumeric(b: Buffer, start: number, end: number, allowNegative = false): number {
  if (end > start && (b[start] & 0x80) !== 0) return parseBase256(b, start, end, allowNegative);
  return parseOctal(b, start, end);
}

function parseBase256(b: Buffer, start: number, end: number, allowNegative: boolean): number {
  const negative = (b[start] & 0x40) !== 0;
  if (negative && !allowNegative) throw new FieldError('negative base-256 number');
  const inv = negative ? 0xff : 0;
  let x = 0;
  for (let i = start; i < end; i++) {
    let c = b[i] ^ inv;
    if (i === start) c &= 0x7f;
    x = x * 256 + c;
    if (x > Number.MAX_SAFE_INTEGER) throw new FieldError('base-256 number too large');
  }
  return negative ? -x - 1 : x;
}

function isPad(c: number): boolean {
  return c === 0x20 || c === 0;
}

function parseOctal(b: Buffer, start: number, end: number): number {
  let s = start;
  let e = end;
  while (s < e && isPad(b[s])) s++;
  while (e > s && isPad(b[e - 1])) e--;
  let x = 0;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c < 0x30 || c > 0x37) throw new FieldError(`bad octal digit 0x${c.toString(16)}`);
    x = x * 8 + (c - 0x30);
  }
  if (x > Number.MAX_SAFE_INTEGER) throw new FieldError('octal number too large');
  return x;
}

/** True when `x` fits a zero-padded, NUL-terminated octal field of `width` bytes. */
export function fitsOctal(x: number, width: number): boolean {
  return Number.isInteger(x) && x >= 0 && x < 8 ** (width - 1);
}

/** Writes `x` as zero-padded octal followed by NUL (Go `formatOctal`). */
export function writeOctal(b: Buffer, start: number, width: number, x: number): void {
  b.write(x.toString(8).padStart(width - 1, '0'), start, width - 1, 'latin1');
  b[start + width - 1] = 0;
}

/** Writes `x` in octal when it fits, else in base-256 (GNU extension, read by Go and GNU tar). */
export function writeNumeric(b: Buffer, start: number, width: number, x: number): void {
  if (fitsOctal(x, width)) return writeOctal(b, start, width, x);
  if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`tar: cannot encode number ${x}`);
  let v = x;
  for (let i = start + width - 1; i > start; i--) {
    b[i] = v % 256;
    v = Math.floor(v / 256);
  }
  b[start] = 0x80;
}

/** Copies `bytes` into a field (truncating) and leaves the rest NUL. */
export function writeBytes(b: Buffer, start: number, width: number, bytes: Buffer): void {
  bytes.copy(b, start, 0, Math.min(width, bytes.length));
}

/** Header checksums: unsigned and signed byte sums with the checksum field read as spaces. */
export function checksums(b: Buffer, start = 0): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : b[start + i];
    unsigned += c;
    signed += c < 0x80 ? c : c - 256;
  }
  return { unsigned, signed };
}

/** True when the block at `start` is all zeros (an end-of-archive block). */
export function isZeroBlock(b: Buffer, start = 0): boolean {
  return b.compare(ZERO_BLOCK, 0, BLOCK, start, start + BLOCK) === 0;
}

/** A shared block of zeros (padding and end marker). Never write into it. */
export const ZERO_BLOCK: Buffer = Buffer.alloc(BLOCK * 2);
