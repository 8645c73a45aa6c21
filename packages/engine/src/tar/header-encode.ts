/**
 * Encodes the header blocks of one entry: a USTAR block, preceded by a PAX 'x' header when a
 * value does not fit USTAR (as Go's tar.Writer does). Names are strings in the `names.ts`
 * convention, so non-UTF-8 names written here read back to the same bytes. Like Go, raw bytes go
 * into PAX values without `hdrcharset=BINARY` (GNU tar 1.34 warns about that keyword; Go, GNU
 * tar and Docker all keep the bytes as they are).
 */
import { BLOCK, F, checksums, fitsOctal, writeBytes, writeNumeric, writeOctal } from './fields.js';
import { encodeName } from './names.js';
import { encodePaxRecords, formatPaxTime } from './pax.js';

export interface TarWriteHeader {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';
  mode: number;
  uid: number;
  gid: number;
  uname?: string;
  gname?: string;
  /** Data bytes; must be 0 for every type but 'file'. */
  size: number;
  /** Seconds; fractional or negative values go to a PAX mtime record. */
  mtime: number;
  linkName?: string;
  devMajor?: number;
  devMinor?: number;
  /** Written as SCHILY.xattr.<name> PAX records; values are kept byte for byte. */
  xattrs?: Record<string, Buffer>;
}

const TYPEFLAG: Record<TarWriteHeader['type'], string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

const EMPTY = Buffer.alloc(0);
const isAscii = (b: Buffer): boolean => !b.some((c) => c >= 0x80);

/** Go `splitUSTARPath`: split a long ASCII name at a '/' into prefix (≤155) and name (≤100). */
function splitUstarPath(name: Buffer): [Buffer, Buffer] | null {
  let length = name.length;
  if (length <= 100 || !isAscii(name)) return null;
  if (length > 156) length = 156;
  else if (name[length - 1] === 0x2f) length -= 1;
  const i = name.lastIndexOf(0x2f, length - 1);
  const nlen = name.length - i - 1;
  if (i <= 0 || nlen > 100 || nlen === 0 || i > 155) return null;
  return [name.subarray(0, i), name.subarray(i + 1)];
}

function checkNumber(label: string, x: number): void {
  if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`tar: ${label} must be a non-negative integer, got ${x}`);
}

interface BlockFields {
  name: Buffer;
  prefix: Buffer;
  linkName: Buffer;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  uname: Buffer;
  gname: Buffer;
  devMajor: number;
  devMinor: number;
}

/** One USTAR block; numbers that do not fit are written as 0 (their PAX record carries them). */
function ustarBlock(f: BlockFields): Buffer {
  const b = Buffer.alloc(BLOCK);
  const octal = (field: readonly [number, number], x: number): void => {
    const width = field[1] - field[0];
    writeOctal(b, field[0], width, fitsOctal(x, width) ? x : 0);
  };
  writeBytes(b, F.name[0], 100, f.name);
  octal(F.mode, f.mode);
  octal(F.uid, f.uid);
  octal(F.gid, f.gid);
  octal(F.size, f.size);
  octal(F.mtime, Math.floor(f.mtime));
  b.write(f.typeflag, F.typeflag[0], 1, 'latin1');
  writeBytes(b, F.linkName[0], 100, f.linkName);
  b.write('ustar\x0000', F.magic[0], 8, 'latin1');
  writeBytes(b, F.uname[0], 32, f.uname);
  writeBytes(b, F.gname[0], 32, f.gname);
  writeNumeric(b, F.devMajor[0], 8, f.devMajor);
  writeNumeric(b, F.devMinor[0], 8, f.devMinor);
  writeBytes(b, F.prefix[0], 155, f.prefix);
  writeOctal(b, F.chksum[0], 7, checksums(b).unsigned);
  b[F.chksum[0] + 7] = 0x20;
  return b;
}

const ascii = (b: Buffer): Buffer => Buffer.from(b.filter((c) => c < 0x80));

/** All header blocks for one entry (a PAX 'x' header first when needed, then the USTAR block). */
export function encodeHeader(h: TarWriteHeader): Buffer {
  const typeflag = TYPEFLAG[h.type];
  if (typeflag === undefined) throw new RangeError(`tar: unknown entry type ${String(h.type)}`);
  for (const [label, x] of [['uid', h.uid], ['gid', h.gid], ['size', h.size], ['mode', h.mode]] as const) {
    checkNumber(label, x);
  }
  checkNumber('devMajor', h.devMajor ?? 0);
  checkNumber('devMinor', h.devMinor ?? 0);
  if (!Number.isFinite(h.mtime)) throw new RangeError(`tar: mtime must be finite, got ${h.mtime}`);
  if (h.type !== 'file' && h.size !== 0) throw new RangeError(`tar: a ${h.type} entry has no data, but size is ${h.size}`);

  const name = encodeName(h.type === 'dir' && !h.name.endsWith('/') ? `${h.name}/` : h.name);
  const linkName = encodeName(h.linkName ?? '');
  const uname = encodeName(h.uname ?? '');
  const gname = encodeName(h.gname ?? '');
  const pax = new Map<string, Buffer>();
  const f: BlockFields = {
    name, prefix: EMPTY, linkName, typeflag, uname, gname, mode: h.mode & 0o7777, uid: h.uid, gid: h.gid,
    size: h.size, mtime: h.mtime, devMajor: h.devMajor ?? 0, devMinor: h.devMinor ?? 0,
  };

  if (name.length > 100 || !isAscii(name)) {
    const split = splitUstarPath(name);
    if (split) [f.prefix, f.name] = split;
    else {
      pax.set('path', name);
      f.name = ascii(name).subarray(0, 100);
    }
  }
  const text = (key: string, value: Buffer, width: number): Buffer => {
    if (value.length <= width && isAscii(value)) return value;
    pax.set(key, value);
    return ascii(value).subarray(0, width);
  };
  f.linkName = text('linkpath', linkName, 100);
  f.uname = text('uname', uname, 32);
  f.gname = text('gname', gname, 32);
  if (!fitsOctal(h.uid, 8)) pax.set('uid', Buffer.from(String(h.uid)));
  if (!fitsOctal(h.gid, 8)) pax.set('gid', Buffer.from(String(h.gid)));
  if (!fitsOctal(h.size, 12)) pax.set('size', Buffer.from(String(h.size)));
  if (!fitsOctal(h.mtime, 12)) pax.set('mtime', Buffer.from(formatPaxTime(h.mtime)));
  for (const [key, value] of Object.entries(h.xattrs ?? {})) {
    if (key === '' || key.includes('=') || key.includes('\0')) throw new RangeError(`tar: bad xattr name "${key}"`);
    pax.set(`SCHILY.xattr.${key}`, value);
  }

  const main = ustarBlock(f);
  if (pax.size === 0) return main;
  const keys = [...pax.keys()].sort(); // sorted like Go, so output is reproducible
  const payload = encodePaxRecords(keys.map((k) => [k, pax.get(k) as Buffer] as const));
  const base = ascii(name).toString('latin1').replace(/\/+$/, '');
  const slash = base.lastIndexOf('/');
  const paxName = `${base.slice(0, slash + 1)}PaxHeaders.0/${base.slice(slash + 1)}`.slice(0, 100).replace(/\/+$/, '');
  const paxHeader = ustarBlock({
    name: Buffer.from(paxName, 'latin1'), prefix: EMPTY, linkName: EMPTY, typeflag: 'x', mode: 0, uid: 0, gid: 0,
    size: payload.length, mtime: 0, uname: EMPTY, gname: EMPTY, devMajor: 0, devMinor: 0,
  });
  const padding = Buffer.alloc((BLOCK - (payload.length % BLOCK)) % BLOCK);
  return Buffer.concat([paxHeader, payload, padding, main]);
}

/** A short ASCII string (no NUL) that fits a field of `width` bytes as it is. */
function plainAscii(s: string, width: number): boolean {
  if (s.length > width) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c >= 0x80) return false;
  }
  return true;
}

/** Zero-padded octal and a NUL, digit by digit (no strings): the caller checked it fits. */
function octalInto(b: Buffer, start: number, width: number, x: number): void {
  let v = x;
  for (let i = start + width - 2; i >= start; i--) {
    b[i] = 0x30 + (v % 8);
    v = Math.floor(v / 8);
  }
  b[start + width - 1] = 0;
}

/**
 * The common entry — short ASCII names, numbers that fit, no xattrs — encoded straight into
 * `target` at `at` (512 bytes, zeroed here), byte for byte what encodeHeader gives. Returns false,
 * writing nothing, for anything that needs more (a PAX record, a split name): call encodeHeader.
 * An export writes one header per entry twice over (hash pass, then the download): without the
 * allocations of the general path it costs a fraction.
 */
export function encodeHeaderInto(h: TarWriteHeader, target: Buffer, at: number): boolean {
  const typeflag = TYPEFLAG[h.type];
  if (typeflag === undefined || h.xattrs !== undefined) return false;
  const name = h.type === 'dir' && !h.name.endsWith('/') ? `${h.name}/` : h.name;
  const linkName = h.linkName ?? '';
  const uname = h.uname ?? '';
  const gname = h.gname ?? '';
  if (!plainAscii(name, 100) || !plainAscii(linkName, 100) || !plainAscii(uname, 32) || !plainAscii(gname, 32)) return false;
  const devMajor = h.devMajor ?? 0;
  const devMinor = h.devMinor ?? 0;
  const { mode, uid, gid, size, mtime } = h;
  if (!Number.isSafeInteger(mode) || mode < 0 || !fitsOctal(uid, 8) || !fitsOctal(gid, 8) || !fitsOctal(size, 12) || !fitsOctal(mtime, 12) || !fitsOctal(devMajor, 8) || !fitsOctal(devMinor, 8)) return false;
  if (h.type !== 'file' && size !== 0) return false; // encodeHeader says why
  target.fill(0, at, at + BLOCK);
  target.write(name, at + F.name[0], 'latin1');
  octalInto(target, at + F.mode[0], 8, mode & 0o7777);
  octalInto(target, at + F.uid[0], 8, uid);
  octalInto(target, at + F.gid[0], 8, gid);
  octalInto(target, at + F.size[0], 12, size);
  octalInto(target, at + F.mtime[0], 12, mtime);
  target[at + F.typeflag[0]] = typeflag.charCodeAt(0);
  if (linkName) target.write(linkName, at + F.linkName[0], 'latin1');
  target.write('ustar\x0000', at + F.magic[0], 'latin1');
  if (uname) target.write(uname, at + F.uname[0], 'latin1');
  if (gname) target.write(gname, at + F.gname[0], 'latin1');
  octalInto(target, at + F.devMajor[0], 8, devMajor);
  octalInto(target, at + F.devMinor[0], 8, devMinor);
  octalInto(target, at + F.chksum[0], 7, checksums(target, at).unsigned);
  target[at + F.chksum[0] + 7] = 0x20;
  return true;
}
