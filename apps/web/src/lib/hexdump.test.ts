import { describe, expect, it } from 'vitest';
import { hexDumpText, hexRow } from './hexdump.js';

describe('hexRow', () => {
  it('renders offsets, hex cells and printable ASCII', () => {
    const bytes = new TextEncoder().encode('ELF\u0000hello, world!\n');
    const row = hexRow(bytes, 0, 0x100);
    expect(row.offset).toBe('00000100');
    expect(row.hex.slice(0, 4)).toEqual(['45', '4c', '46', '00']);
    expect(row.ascii).toBe('ELF.hello, world');
  });
  it('pads the last row', () => {
    const row = hexRow(new Uint8Array([0xff, 0x41]), 0);
    expect(row.hex).toHaveLength(16);
    expect(row.hex[2]).toBe('');
    expect(row.ascii).toBe('.A');
  });
});

describe('hexDumpText', () => {
  it('matches hexdump -C layout', () => {
    const text = hexDumpText(new TextEncoder().encode('0123456789abcdefXY'));
    expect(text.split('\n')).toEqual([
      '00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|',
      `${'00000010  58 59'.padEnd(60)}|XY|`,
    ]);
  });
});
