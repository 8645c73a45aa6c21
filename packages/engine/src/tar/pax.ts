/**
 * PAX extended header records ("<len> <key>=<value>\n"), kept as raw bytes: values may be binary
 * (SCHILY.xattr.security.capability) or non-UTF-8 names. Mirrors Go's `parsePAX`, including its
 * folding of GNU sparse 0.0 `GNU.sparse.offset`/`numbytes` pairs into one `GNU.sparse.map`.
 */
import { decodeName } from './names.js';

/** Thrown on malformed records; the reader turns it into a BAD_TAR_HEADER EngineError. */
export class PaxError extends Error {}

const SPARSE_OFFSET = 'GNU.sparse.offset';
const SPARSE_NUMBYTES = 'GNU.sparse.numbytes';
/** Keys whose values must not contain NUL (Go `validPAXRecord`). */
const TEXT_KEYS = new Set(['path', 'linkpath', 'uname', 'gname']);

/** Parses the payload of a PAX 'x' or 'g' header. Later records override earlier ones. */
export function parsePaxRecords(buf: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  const sparseMap: string[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const space = buf.indexOf(0x20, pos);
    if (space < 0 || space - pos > 20) throw new PaxError(`PAX record at byte ${pos} has no length`);
    const lenText = buf.toString('latin1', pos, space);
    if (!/^\d+$/.test(lenText)) throw new PaxError(`PAX record at byte ${pos} has a bad length "${lenText}"`);
    const len = Number(lenText);
    const end = pos + len;
    if (len < 5 || end > buf.length || end <= space + 1) {
      throw new PaxError(`PAX record at byte ${pos} claims ${len} bytes but ${buf.length - pos} remain`);
    }
    if (buf[end - 1] !== 0x0a) throw new PaxError(`PAX record at byte ${pos} does not end in a newline`);
    const eq = buf.indexOf(0x3d, space + 1);
    if (eq < 0 || eq >= end - 1) throw new PaxError(`PAX record at byte ${pos} has no "="`);
    const keyBytes = buf.subarray(space + 1, eq);
    const value = buf.subarray(eq + 1, end - 1);
    const key = decodeName(keyBytes);
    if (key === '' || keyBytes.includes(0)) throw new PaxError(`PAX record at byte ${pos} has a bad key`);
    if (TEXT_KEYS.has(key) && value.includes(0)) throw new PaxError(`PAX record "${key}" contains a NUL byte`);
    if (key === SPARSE_OFFSET || key === SPARSE_NUMBYTES) {
      const wantOffset = sparseMap.length % 2 === 0;
      if ((key === SPARSE_OFFSET) !== wantOffset || value.includes(0x2c)) {
        throw new PaxError('GNU sparse 0.0 records out of order');
      }
      sparseMap.push(value.toString('latin1'));
    } else {
      records.set(key, Buffer.from(value)); // a copy: callers may keep records after the block is reused
    }
    pos = end;
  }
  if (sparseMap.length > 0) records.set('GNU.sparse.map', Buffer.from(sparseMap.join(','), 'latin1'));
  return records;
}

/** Encodes records in the given order. Keys must not contain '=' or NUL. */
export function encodePaxRecords(records: Iterable<readonly [string, Buffer]>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of records) {
    if (key === '' || key.includes('=') || key.includes('\0')) throw new RangeError(`bad PAX key "${key}"`);
    const keyBytes = Buffer.from(key, 'utf8');
    const body = keyBytes.length + value.length + 3; // ' ' + '=' + '\n'
    const digits = String(body).length;
    const len = String(body + digits).length > digits ? body + digits + 1 : body + digits;
    parts.push(Buffer.from(`${len} `, 'latin1'), keyBytes, Buffer.from('=', 'latin1'), value, Buffer.from('\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

/** A PAX decimal integer (size, uid, gid): non-negative and exactly representable. */
export function parsePaxInteger(key: string, value: Buffer): number {
  const text = value.toString('latin1');
  const n = Number(text);
  if (!/^\+?\d+$/.test(text) || !Number.isSafeInteger(n)) throw new PaxError(`PAX ${key} "${text}" is not a valid number`);
  return n;
}

/** A PAX time ("-12.5", "1700000000.123456789") in seconds. */
export function parsePaxTime(key: string, value: Buffer): number {
  const text = value.toString('latin1');
  if (!/^[+-]?\d+(\.\d*)?$/.test(text)) throw new PaxError(`PAX ${key} "${text}" is not a valid time`);
  return Number(text);
}

/** Formats seconds for a PAX time record without exponent notation. */
export function formatPaxTime(seconds: number): string {
  if (Number.isInteger(seconds)) return String(seconds);
  const s = String(seconds);
  return s.includes('e') ? seconds.toFixed(9).replace(/0+$/, '') : s;
}
