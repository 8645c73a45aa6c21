import { describe, expect, it } from 'vitest';
import { decodePages } from './decode-pages.js';

describe('decodePages', () => {
  it('joins pages split inside a multibyte character', () => {
    const bytes = new TextEncoder().encode('héllo wörld');
    const pages = [bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)];
    expect(decodePages(pages, true)).toBe('héllo wörld');
  });
  it('holds back a cut character while more pages are to come', () => {
    const bytes = new TextEncoder().encode('aé');
    expect(decodePages([bytes.subarray(0, 2)], false)).toBe('a');
  });
});
