import { describe, expect, it } from 'vitest';
import { looksLikeText, trimPartialUtf8 } from './binary.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('looksLikeText', () => {
  it('accepts ASCII and UTF-8', () => {
    expect(looksLikeText(enc('NAME="Tiny Linux"\n'))).toBe(true);
    expect(looksLikeText(enc('grüße, 世界'))).toBe(true);
    expect(looksLikeText(new Uint8Array())).toBe(true);
  });
  it('rejects NUL bytes and invalid UTF-8', () => {
    expect(looksLikeText(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x00]))).toBe(false);
    expect(looksLikeText(new Uint8Array([0xff, 0xfe, 0x41]))).toBe(false);
  });
  it('tolerates a multibyte character cut at the end of a page', () => {
    const full = enc('ab世');
    expect(looksLikeText(full.subarray(0, full.length - 1))).toBe(true);
  });
});

describe('trimPartialUtf8', () => {
  it('drops only an incomplete trailing sequence', () => {
    const full = enc('a世');
    expect(trimPartialUtf8(full)).toHaveLength(4);
    expect(trimPartialUtf8(full.subarray(0, 3))).toHaveLength(1);
    expect(trimPartialUtf8(enc('abc'))).toHaveLength(3);
  });
});
