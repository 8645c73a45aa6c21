import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeName, encodeName } from '../../src/tar/names.js';

describe('decodeName / encodeName', () => {
  it('decodes valid UTF-8 like Buffer#toString, keeping a BOM', () => {
    for (const s of ['', 'etc/passwd', 'café/日本語', '😀 emoji', '\ufeffbom', '\u{10080}']) {
      const bytes = Buffer.from(s, 'utf8');
      expect(decodeName(bytes)).toBe(s);
      expect(encodeName(s)).toEqual(bytes);
    }
  });

  it('maps each byte of an invalid sequence to U+DC80+byte', () => {
    expect(decodeName(Buffer.from([0x61, 0xff, 0xfe, 0x62]))).toBe('a\udcff\udcfeb');
    // A truncated 3-byte sequence followed by ASCII, a surrogate encoding, an overlong '/'.
    expect(decodeName(Buffer.from([0xe2, 0x82, 0x41]))).toBe('\udce2\udc82A');
    expect(decodeName(Buffer.from([0xed, 0xa0, 0x80]))).toBe('\udced\udca0\udc80');
    expect(decodeName(Buffer.from([0xc0, 0xaf]))).toBe('\udcc0\udcaf');
    // Valid text around the escapes stays as text.
    expect(decodeName(Buffer.from([0xc3, 0xa9, 0x80, 0xf0, 0x9f, 0x98, 0x80]))).toBe('é\udc80😀');
    expect(decodeName(new Uint8Array([0x80]))).toBe('\udc80');
  });

  it('encodes escapes back to their byte, and a real astral pair as UTF-8', () => {
    expect(encodeName('a\udcff\udcfeb')).toEqual(Buffer.from([0x61, 0xff, 0xfe, 0x62]));
    // U+10080 is the pair D800 DC80: its low half must not be taken for an escape.
    expect(encodeName('\u{10080}\udc80')).toEqual(Buffer.from([0xf0, 0x90, 0x82, 0x80, 0x80]));
  });

  it('round-trips random bytes exactly', () => {
    for (let i = 0; i < 3000; i++) {
      // Pure noise, all-high bytes, and valid text cut at random points mixed with noise.
      let bytes = randomBytes(1 + (i % 40));
      if (i % 3 === 0) for (let j = 0; j < bytes.length; j++) bytes[j] |= 0x80;
      if (i % 3 === 1) bytes = Buffer.concat([Buffer.from('é日😀').subarray(i % 9), bytes, Buffer.from('😀é').subarray(0, i % 6)]);
      const s = decodeName(bytes);
      expect(encodeName(s)).toEqual(bytes);
      expect(decodeName(encodeName(s))).toBe(s);
    }
  });
});
