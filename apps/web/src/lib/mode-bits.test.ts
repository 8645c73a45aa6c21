import { describe, expect, it } from 'vitest';
import { bitMask, parseOctalMode, parseOwner, withBit } from './mode-bits.js';

describe('mode bits', () => {
  it('maps who × what to the classic masks', () => {
    expect(bitMask('owner', 'read')).toBe(0o400);
    expect(bitMask('group', 'write')).toBe(0o020);
    expect(bitMask('others', 'execute')).toBe(0o001);
  });
  it('sets and clears single bits', () => {
    expect(withBit(0o644, bitMask('owner', 'execute'), true)).toBe(0o744);
    expect(withBit(0o755, bitMask('others', 'read'), false)).toBe(0o751);
    expect(withBit(0o755, 0o4000, true)).toBe(0o4755);
  });
  it('reads octal as people type it', () => {
    expect(parseOctalMode('644')).toBe(0o644);
    expect(parseOctalMode('0755')).toBe(0o755);
    expect(parseOctalMode('4755')).toBe(0o4755);
    expect(parseOctalMode('0o600')).toBe(0o600);
    expect(parseOctalMode('7')).toBe(0o7);
    expect(parseOctalMode('888')).toBeNull();
    expect(parseOctalMode('12345')).toBeNull();
    expect(parseOctalMode('rwx')).toBeNull();
  });
  it('reads uid and uid:gid', () => {
    expect(parseOwner('1000', 0)).toEqual({ uid: 1000, gid: 0 });
    expect(parseOwner(' 1000 : 100 ', 0)).toEqual({ uid: 1000, gid: 100 });
    expect(parseOwner('root', 0)).toBeNull();
    expect(parseOwner('1:2:3', 0)).toBeNull();
  });
});
