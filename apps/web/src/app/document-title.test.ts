import { describe, expect, it } from 'vitest';
import { documentTitle } from './document-title.js';

describe('documentTitle', () => {
  it('names the image and the view before the app', () => {
    expect(documentTitle(['alpine:3.19', 'Files'])).toBe('alpine:3.19 · Files — Peel');
    expect(documentTitle(['alpine:3.19', 'Layer 5 changes'])).toBe('alpine:3.19 · Layer 5 changes — Peel');
  });
  it('leaves out parts not known yet', () => {
    expect(documentTitle([null, 'Files'])).toBe('Files — Peel');
    expect(documentTitle([undefined, ''])).toBe('Peel');
  });
});
