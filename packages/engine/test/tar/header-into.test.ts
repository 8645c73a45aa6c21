import { describe, expect, it } from 'vitest';
import { encodeHeader, encodeHeaderInto, type TarWriteHeader } from '../../src/tar/header-encode.js';

const base: TarWriteHeader = { name: 'etc/os-release', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1234, mtime: 1_700_000_000 };

/** Headers the fast path must write exactly as encodeHeader does. */
const plain: TarWriteHeader[] = [
  base,
  { ...base, name: 'usr/bin', type: 'dir', size: 0, mode: 0o40755 },
  { ...base, name: 'usr/lib/', type: 'dir', size: 0 },
  { ...base, name: 'bin/sh', type: 'symlink', size: 0, linkName: '/bin/busybox' },
  { ...base, name: 'bin/ls', type: 'hardlink', size: 0, linkName: 'bin/busybox' },
  { ...base, name: 'dev/null', type: 'char', size: 0, devMajor: 1, devMinor: 3, mode: 0o666 },
  { ...base, name: 'run/fifo', type: 'fifo', size: 0 },
  { ...base, uid: 1000, gid: 1000, uname: 'app', gname: 'app', mode: 0o4755 },
  { ...base, name: 'a'.repeat(100), size: 0o77777777777, uid: 0o7777777, mtime: 0 },
];

/** Headers that need more than one USTAR block or a split name: the fast path declines them. */
const declined: TarWriteHeader[] = [
  { ...base, name: 'a'.repeat(101) },
  { ...base, name: `${'d/'.repeat(60)}file` },
  { ...base, name: 'caf\u00e9' },
  { ...base, name: 'raw-\udcff' },
  { ...base, linkName: 'x'.repeat(101), type: 'symlink', size: 0 },
  { ...base, uname: 'u'.repeat(33) },
  { ...base, uid: 0o10000000 },
  { ...base, size: 0o100000000000 },
  { ...base, mtime: 1.5 },
  { ...base, mtime: -1 },
  { ...base, xattrs: { 'user.k': Buffer.from('v') } },
];

describe('encodeHeaderInto', () => {
  it.each(plain.map((h) => [h.name.slice(0, 20), h] as const))('writes %s exactly as encodeHeader', (_n, h) => {
    const expected = encodeHeader(h);
    expect(expected.length).toBe(512);
    const target = Buffer.alloc(2048, 0xaa);
    expect(encodeHeaderInto(h, target, 700)).toBe(true);
    expect(target.subarray(700, 1212).equals(expected)).toBe(true);
    // Nothing outside its block is touched.
    expect(target.subarray(0, 700).every((b) => b === 0xaa)).toBe(true);
    expect(target.subarray(1212).every((b) => b === 0xaa)).toBe(true);
  });

  it.each(declined.map((h, i) => [i, h] as const))('declines header %i, which needs PAX or a prefix, and writes nothing', (_i, h) => {
    const target = Buffer.alloc(1024, 0xaa);
    expect(encodeHeaderInto(h, target, 0)).toBe(false);
    expect(target.every((b) => b === 0xaa)).toBe(true);
  });

  it('declines what encodeHeader refuses, so the caller gets its error', () => {
    const bad = { ...base, type: 'dir' as const, size: 5 };
    expect(encodeHeaderInto(bad, Buffer.alloc(512), 0)).toBe(false);
    expect(() => encodeHeader(bad)).toThrow(/no data/);
  });
});
