import { describe, expect, it } from 'vitest';
import { decodeForEdit, EDIT_LIMIT } from './decode-for-edit.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('decodeForEdit', () => {
  it('opens UTF-8 text exactly, byte order mark included', () => {
    expect(decodeForEdit(bytes('NAME="Tiny"\n'), 12)).toEqual({ ok: true, text: 'NAME="Tiny"\n' });
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x61]);
    const opened = decodeForEdit(bom, 4);
    expect(opened.ok && new TextEncoder().encode(opened.text)).toEqual(bom);
  });
  it('refuses binary, invalid UTF-8 and large files', () => {
    expect(decodeForEdit(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]), 7).ok).toBe(false);
    expect(decodeForEdit(new Uint8Array([0x61, 0xff, 0x62]), 3).ok).toBe(false);
    expect(decodeForEdit(bytes('x'), EDIT_LIMIT + 1).ok).toBe(false);
  });
});
