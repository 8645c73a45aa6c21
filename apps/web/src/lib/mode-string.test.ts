import { describe, expect, it } from 'vitest';
import { hasSpecialBits, modeOctal, modeString } from './mode-string.js';

describe('modeString', () => {
  it('renders plain files and directories', () => {
    expect(modeString('file', 0o644)).toBe('-rw-r--r--');
    expect(modeString('dir', 0o755)).toBe('drwxr-xr-x');
    expect(modeString('dir', 0o700)).toBe('drwx------');
    expect(modeString('symlink', 0o777)).toBe('lrwxrwxrwx');
    expect(modeString('whiteout', 0)).toBe('----------');
  });
  it('shows setuid, setgid and sticky bits', () => {
    expect(modeString('file', 0o4755)).toBe('-rwsr-xr-x');
    expect(modeString('file', 0o4644)).toBe('-rwSr--r--');
    expect(modeString('file', 0o2755)).toBe('-rwxr-sr-x');
    expect(modeString('dir', 0o1777)).toBe('drwxrwxrwt');
    expect(modeString('dir', 0o1776)).toBe('drwxrwxrwT');
  });
  it('marks device and fifo types', () => {
    expect(modeString('char', 0o666)).toBe('crw-rw-rw-');
    expect(modeString('block', 0o660)).toBe('brw-rw----');
    expect(modeString('fifo', 0o644)).toBe('prw-r--r--');
  });
});

describe('modeOctal / hasSpecialBits', () => {
  it('formats octal with four digits', () => {
    expect(modeOctal(0o4755)).toBe('4755');
    expect(modeOctal(0o640)).toBe('0640');
  });
  it('detects special bits', () => {
    expect(hasSpecialBits(0o4755)).toBe(true);
    expect(hasSpecialBits(0o1777)).toBe(true);
    expect(hasSpecialBits(0o755)).toBe(false);
  });
});
