/**
 * Lossless byte <-> string mapping for tar names and PAX values.
 *
 * Tar names are bytes; Go keeps them as bytes. We want JS strings, so valid UTF-8 decodes
 * normally and every byte of an invalid sequence becomes the lone surrogate U+DC80+byte
 * (Python's "surrogateescape"). Valid UTF-8 never decodes to a surrogate, so the escapes are
 * unambiguous and `encodeName(decodeName(b))` gives back `b` exactly.
 */
import { isUtf8 } from 'node:buffer';

const ESCAPE_BASE = 0xdc00;

/** Decodes name bytes; invalid UTF-8 bytes become U+DC80..U+DCFF. */
export function decodeName(bytes: Uint8Array): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return buf.toString('utf8');
  return decodeEscaping(buf);
}

function decodeEscaping(b: Buffer): string {
  const out: string[] = [];
  let runStart = 0;
  let i = 0;
  while (i < b.length) {
    const n = validSequenceLength(b, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (runStart < i) out.push(b.toString('utf8', runStart, i));
    out.push(String.fromCharCode(ESCAPE_BASE + b[i]));
    i += 1;
    runStart = i;
  }
  if (runStart < b.length) out.push(b.toString('utf8', runStart));
  return out.join('');
}

/** Length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7), or 0 if there is none. */
function validSequenceLength(b: Buffer, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf; // 0xED 0xA0.. would encode a surrogate
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

const MAY_HOLD_ESCAPES = /[\udc80-\udcff]/;

/**
 * Encodes a name as UTF-8, turning lone surrogates U+DC80..U+DCFF back into the byte they
 * escape. Other lone surrogates (which `decodeName` never produces) become U+FFFD, as in
 * `Buffer.from(s)`.
 */
export function encodeName(s: string): Buffer {
  if (!MAY_HOLD_ESCAPES.test(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1; // a proper pair: plain UTF-8
      continue;
    }
    if (u >= 0xdc80 && u <= 0xdcff) {
      if (runStart < i) parts.push(Buffer.from(s.slice(runStart, i), 'utf8'));
      parts.push(Buffer.of(u - ESCAPE_BASE));
      runStart = i + 1;
    }
  }
  if (runStart < s.length) parts.push(Buffer.from(s.slice(runStart), 'utf8'));
  return Buffer.concat(parts);
}
