/**
 * Lossless conversion between engine path strings and raw bytes.
 *
 * The engine decodes tar names as UTF-8 and turns every byte that is not part of a valid UTF-8
 * sequence into a lone surrogate U+DC80..U+DCFF ("surrogateescape"). SQLite TEXT and
 * `encodeURIComponent` would mangle such strings, so the store keeps paths as BLOBs of the
 * original bytes and URLs carry them percent-encoded byte by byte.
 */

import { isUtf8 } from 'node:buffer';

const SURROGATE = /[\uD800-\uDFFF]/;
const utf8 = new TextEncoder();

/** Engine string → the original bytes. */
export function encodePath(s: string): Buffer {
  if (!SURROGATE.test(s)) return Buffer.from(s, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff) {
      out.push(c - 0xdc00);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      for (const b of utf8.encode(s.slice(i, i + 2))) out.push(b);
      i++;
    } else {
      // Any other lone surrogate cannot come from the engine; keep it visible as U+FFFD.
      for (const b of utf8.encode(s[i])) out.push(b);
    }
  }
  return Buffer.from(out);
}

/** Raw bytes → engine string (invalid UTF-8 bytes become U+DC80..U+DCFF). */
export function decodePath(buf: Uint8Array): string {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (isUtf8(b)) return b.toString('utf8');
  let s = '';
  let i = 0;
  while (i < b.length) {
    const n = validSequenceLength(b, i);
    if (n === 0) {
      s += String.fromCharCode(0xdc00 + b[i]);
      i += 1;
    } else {
      s += b.toString('utf8', i, i + n);
      i += n;
    }
  }
  return s;
}

const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
const cont = (b: number | undefined) => b !== undefined && (b & 0xc0) === 0x80;

/** Length of the valid UTF-8 sequence starting at i, or 0 if the byte there starts none. */
function validSequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return cont(b[i + 1]) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const c1 = b[i + 1];
    if (!cont(c1) || !cont(b[i + 2])) return 0;
    if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
    if (c === 0xed && c1 >= 0xa0) return 0; // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const c1 = b[i + 1];
    if (!cont(c1) || !cont(b[i + 2]) || !cont(b[i + 3])) return 0;
    if (c === 0xf0 && c1 < 0x90) return 0; // overlong
    if (c === 0xf4 && c1 >= 0x90) return 0; // above U+10FFFF
    return 4;
  }
  return 0;
}

/** Percent-encodes an engine string byte by byte, for URLs (the inverse of the server's query parser). */
export function percentEncodePath(s: string): string {
  let out = '';
  for (const b of encodePath(s)) {
    const ch = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~/]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
