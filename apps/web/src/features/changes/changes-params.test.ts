import { describe, expect, it } from 'vitest';
import { kindsParam, readChangesParams } from './changes-params.js';

describe('changes params', () => {
  it('defaults to every kind, split view', () => {
    expect(readChangesParams(new URLSearchParams(''))).toEqual({ path: undefined, kinds: ['added', 'modified', 'deleted'], q: '', view: 'split' });
  });
  it('reads a narrowed kind list and ignores junk', () => {
    const p = readChangesParams(new URLSearchParams('kinds=deleted,bogus&view=unified&path=/etc/passwd'));
    expect(p.kinds).toEqual(['deleted']);
    expect(p.view).toBe('unified');
    expect(p.path).toBe('/etc/passwd');
  });
  it('writes kinds in a stable order, omitting the default', () => {
    expect(kindsParam(['deleted', 'added'])).toBe('added,deleted');
    expect(kindsParam(['added', 'modified', 'deleted'])).toBeUndefined();
  });
});
