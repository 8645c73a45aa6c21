import { describe, expect, it } from 'vitest';
import { F, checksums, parseNumeric, writeNumeric } from '../../src/tar/fields.js';
import { encodeHeader, encodePaxRecords, parseHeaderBlock, parsePaxRecords } from '../../src/tar/header.js';
import { encodeName } from '../../src/tar/names.js';

const base = { type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1_700_000_000 } as const;

/** Rewrites a header block's checksum after a test edits it. */
function reseal(b: Buffer, signed = false): Buffer {
  const sums = checksums(b);
  b.write(`${(signed ? sums.signed : sums.unsigned).toString(8).padStart(6, '0')}\0 `, F.chksum[0], 8, 'latin1');
  return b;
}

describe('numeric fields', () => {
  it('reads octal with space/NUL padding and base-256', () => {
    expect(parseNumeric(Buffer.from('  0755 \0'), 0, 8)).toBe(0o755);
    expect(parseNumeric(Buffer.from('\0\0\0\0\0\0\0\0'), 0, 8)).toBe(0);
    const b = Buffer.alloc(12);
    writeNumeric(b, 0, 12, 2 ** 40);
    expect(b[0]).toBe(0x80);
    expect(parseNumeric(b, 0, 12)).toBe(2 ** 40);
  });

  it('rejects bad digits, embedded NULs and negative base-256 (except where allowed)', () => {
    expect(() => parseNumeric(Buffer.from('0758\0'), 0, 5)).toThrow(/octal/);
    expect(() => parseNumeric(Buffer.from('07\x0055\0'), 0, 6)).toThrow(/octal/);
    const minusOne = Buffer.alloc(12, 0xff);
    expect(() => parseNumeric(minusOne, 0, 12)).toThrow(/negative/);
    expect(parseNumeric(minusOne, 0, 12, true)).toBe(-1);
    const huge = Buffer.alloc(12, 0x7f);
    huge[0] = 0x80 | 0x3f;
    expect(() => parseNumeric(huge, 0, 12)).toThrow(/too large/);
  });
});

describe('parseHeaderBlock', () => {
  it('reads back what encodeHeader writes, including a USTAR prefix', () => {
    const name = `${'p'.repeat(120)}/${'n'.repeat(90)}`;
    const block = encodeHeader({ ...base, name, size: 5, uname: 'root', gname: 'wheel' });
    expect(block.length).toBe(512); // split into prefix + name: no PAX header needed
    const h = parseHeaderBlock(block, 0, 0);
    expect(h).toMatchObject({ format: 'ustar', name, typeflag: '0', size: 5, mode: 0o644, uname: 'root', gname: 'wheel' });
  });

  it('accepts a signed checksum and rejects a wrong one with a hint', () => {
    const block = encodeHeader({ ...base, name: 'x', uname: 'ü'.repeat(3) });
    const main = block.subarray(block.length - 512);
    main[F.uname[0]] = 0xc3; // a high byte so signed and unsigned sums differ
    reseal(main, true);
    expect(parseHeaderBlock(main, 0, 0).uname.charCodeAt(0)).toBe(0xdcc3);
    main[0] ^= 1;
    expect(() => parseHeaderBlock(main, 0, 1024)).toThrow(/bad header checksum at offset 1024\) — is the file compressed/);
  });

  it('reads v7 and GNU magic, and negative base-256 mtime', () => {
    const b = encodeHeader({ ...base, name: 'old' });
    b.fill(0, F.magic[0], 500);
    expect(parseHeaderBlock(reseal(b), 0, 0)).toMatchObject({ format: 'v7', name: 'old', uname: '' });
    b.write('ustar  \0', F.magic[0], 'latin1');
    b.fill(0xff, F.mtime[0], F.mtime[1]);
    b[F.mtime[0]] = 0xff;
    expect(parseHeaderBlock(reseal(b), 0, 0)).toMatchObject({ format: 'gnu', mtime: -1 });
    b.fill(0xff, F.size[0], F.size[1]);
    expect(() => parseHeaderBlock(reseal(b), 0, 0)).toThrow(/size: negative base-256/);
  });
});

describe('PAX records', () => {
  it('round-trips binary values and lengths that cross a digit boundary', () => {
    for (let n = 80; n < 120; n++) {
      const value = Buffer.alloc(n, 0x80 + (n % 100));
      const buf = encodePaxRecords([['SCHILY.xattr.user.v', value], ['path', Buffer.from('a')]]);
      const records = parsePaxRecords(buf);
      expect(records.get('SCHILY.xattr.user.v')).toEqual(value);
      expect(records.get('path')).toEqual(Buffer.from('a'));
    }
    for (let n = 85; n < 100; n++) {
      const one = encodePaxRecords([['path', Buffer.from('x'.repeat(n))]]);
      expect(one.toString('latin1', 0, one.indexOf(0x20))).toBe(String(one.length));
    }
  });

  it('rejects bad framing', () => {
    for (const bad of ['5 a=b\n', '30 path=short\n', '12 path=abc.', 'x path=a\n', '9 patha\n', '10 =abcde\n', '11 path=a\0b\n']) {
      expect(() => parsePaxRecords(Buffer.from(bad, 'latin1')), JSON.stringify(bad)).toThrow();
    }
    expect(() => parsePaxRecords(Buffer.from('99999999999999999999 path=a\n'))).toThrow(/claims/);
  });

  it('folds GNU sparse 0.0 offset/numbytes pairs into GNU.sparse.map, as Go does', () => {
    const buf = encodePaxRecords(
      ['0', '10', '100', '5'].map((v, i) => [i % 2 ? 'GNU.sparse.numbytes' : 'GNU.sparse.offset', Buffer.from(v)] as const),
    );
    expect(parsePaxRecords(buf).get('GNU.sparse.map')?.toString()).toBe('0,10,100,5');
    const outOfOrder = encodePaxRecords([['GNU.sparse.numbytes', Buffer.from('1')]]);
    expect(() => parsePaxRecords(outOfOrder)).toThrow(/order/);
  });
});

describe('encodeHeader', () => {
  const paxOf = (b: Buffer): Map<string, Buffer> | null => {
    if (b.length === 512) return null;
    const h = parseHeaderBlock(b, 0, 0);
    expect(h.typeflag).toBe('x');
    return parsePaxRecords(b.subarray(512, 512 + h.size));
  };

  it('writes plain USTAR when everything fits', () => {
    expect(encodeHeader({ ...base, name: 'etc/hosts', uid: 2_097_151, size: 8 ** 11 - 1 }).length).toBe(512);
    expect(encodeHeader({ ...base, type: 'dir', name: 'etc', mtime: 0 }).subarray(0, 4).toString()).toBe('etc/');
  });

  it('uses a PAX header for what USTAR cannot hold', () => {
    const nonUtf8 = `bin/${String.fromCharCode(0xdcff, 0xdcfe)}`;
    const pax = paxOf(
      encodeHeader({
        ...base, name: nonUtf8, type: 'symlink', linkName: 'l'.repeat(101), uid: 3_000_000, gid: 7,
        mtime: 1.5, uname: 'ünicode', xattrs: { 'security.capability': Buffer.from([1, 0, 0, 2, 0x80, 0xff]) },
      }),
    );
    expect(pax?.get('path')).toEqual(encodeName(nonUtf8));
    expect(pax?.get('linkpath')?.toString()).toBe('l'.repeat(101));
    expect(pax?.get('uid')?.toString()).toBe('3000000');
    expect(pax?.has('gid')).toBe(false);
    expect(pax?.get('mtime')?.toString()).toBe('1.5');
    expect(pax?.get('uname')?.toString()).toBe('ünicode');
    expect(pax?.has('hdrcharset')).toBe(false);
    expect(pax?.get('SCHILY.xattr.security.capability')).toEqual(Buffer.from([1, 0, 0, 2, 0x80, 0xff]));
    expect(paxOf(encodeHeader({ ...base, name: 'big', size: 8 ** 11 }))?.get('size')?.toString()).toBe(String(8 ** 11));
    expect(paxOf(encodeHeader({ ...base, name: 'old', mtime: -86400 }))?.get('mtime')?.toString()).toBe('-86400');
  });

  it('rejects values it cannot write', () => {
    expect(() => encodeHeader({ ...base, name: 'd', type: 'dir', size: 1 })).toThrow(/no data/);
    expect(() => encodeHeader({ ...base, name: 'f', uid: -1 })).toThrow(/uid/);
    expect(() => encodeHeader({ ...base, name: 'f', xattrs: { 'a=b': Buffer.alloc(1) } })).toThrow(/xattr/);
  });
});
