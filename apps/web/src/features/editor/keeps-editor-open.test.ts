import { describe, expect, it } from 'vitest';
import { keepsEditorOpen } from './leave-guard.js';

const at = (url: string) => new URL(url, 'http://127.0.0.1:7777');
const editor = at('/images/abc/files?path=/etc/os-release&edit=1');

describe('keepsEditorOpen', () => {
  it('keeps the editor for changes that leave the file and edit mode alone', () => {
    expect(keepsEditorOpen(editor, at('/images/abc/files?path=/etc/os-release&edit=1&q=conf'))).toBe(true);
    expect(keepsEditorOpen(editor, at('/images/abc/files?path=/etc/os-release&sort=size&edit=1'))).toBe(true);
  });

  it('leaves it for another file, the viewer, another tab or another image', () => {
    expect(keepsEditorOpen(editor, at('/images/abc/files?path=/etc/hostname'))).toBe(false);
    expect(keepsEditorOpen(editor, at('/images/abc/files?path=/etc/os-release'))).toBe(false);
    expect(keepsEditorOpen(editor, at('/images/abc/draft'))).toBe(false);
    expect(keepsEditorOpen(editor, at('/images/xyz/files?path=/etc/os-release&edit=1'))).toBe(false);
    expect(keepsEditorOpen(editor, at('/'))).toBe(false);
  });
});
