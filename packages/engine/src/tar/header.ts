/**
 * The header block codec: parse one 512-byte block (checksum, magic, fields) and encode the
 * header blocks of one entry. No streams here; reader.ts and writer.ts hold the plumbing.
 * Layout and leniency follow Go's archive/tar (`reader.go` readHeader, `format.go`).
 */
import { EngineError } from '../errors.js';
import { F, FieldError, checksums, fieldBytes, parseNumeric } from './fields.js';
import { decodeName } from './names.js';

export { encodeHeader, type TarWriteHeader } from './header-encode.js';
export { parsePaxRecords, encodePaxRecords } from './pax.js';

export type TarFormat = 'v7' | 'ustar' | 'gnu' | 'star';

/** One header block as written, before PAX/GNU extension headers are merged in. */
export interface HeaderBlock {
  format: TarFormat;
  /** USTAR/STAR prefix already joined ("prefix/name"). */
  name: string;
  linkName: string;
  /** The raw typeflag character ('\0' for the legacy regular file). */
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  /** The size field: bytes of data that follow, for types that have data. */
  size: number;
  mtime: number;
  uname: string;
  gname: string;
  devMajor: number;
  devMinor: number;
}

/** Detects the format from magic values (Go `getFormat`); the checksum is checked separately. */
function formatOf(b: Buffer, s: number): TarFormat {
  const magic = b.toString('latin1', s + F.magic[0], s + F.magic[1]);
  const version = b.toString('latin1', s + F.version[0], s + F.version[1]);
  if (magic === 'ustar\0') return b.toString('latin1', s + 508, s + 512) === 'tar\0' ? 'star' : 'ustar';
  if (magic === 'ustar ' && version === ' \0') return 'gnu';
  return 'v7';
}

const badHeader = (offset: number, why: string): EngineError =>
  new EngineError('BAD_TAR_HEADER', `bad tar header at offset ${offset}: ${why}`);

/** Throws BAD_TAR_HEADER unless the block's checksum (signed or unsigned) matches. */
function verifyChecksum(b: Buffer, s: number, offset: number): void {
  let stored: number;
  try {
    stored = parseNumeric(b, s + F.chksum[0], s + F.chksum[1]);
  } catch {
    stored = -1;
  }
  const { unsigned, signed } = checksums(b, s);
  if (stored !== unsigned && stored !== signed) {
    throw new EngineError(
      'BAD_TAR_HEADER',
      `not a tar archive (bad header checksum at offset ${offset}) — is the file compressed?`,
    );
  }
}

/**
 * Parses the header block at `b[s, s+512)`, found at stream `offset` (for messages). Throws
 * BAD_TAR_HEADER on a bad checksum or malformed numbers (negative base-256 except in mtime).
 */
export function parseHeaderBlock(b: Buffer, s: number, offset: number): HeaderBlock {
  verifyChecksum(b, s, offset);
  const format = formatOf(b, s);
  const num = (f: readonly [number, number], label: string, allowNegative = false): number => {
    try {
      return parseNumeric(b, s + f[0], s + f[1], allowNegative);
    } catch (e) {
      throw badHeader(offset, `${label}: ${(e as FieldError).message}`);
    }
  };
  const str = (f: readonly [number, number]): string => decodeName(fieldBytes(b, s + f[0], s + f[1]));
  const h: HeaderBlock = {
    format,
    name: str(F.name),
    linkName: str(F.linkName),
    typeflag: String.fromCharCode(b[s + F.typeflag[0]]),
    mode: num(F.mode, 'mode'),
    uid: num(F.uid, 'uid'),
    gid: num(F.gid, 'gid'),
    size: num(F.size, 'size'),
    mtime: num(F.mtime, 'mtime', true),
    uname: '',
    gname: '',
    devMajor: 0,
    devMinor: 0,
  };
  if (format === 'v7') return h;
  h.uname = str(F.uname);
  h.gname = str(F.gname);
  h.devMajor = num(F.devMajor, 'devmajor');
  h.devMinor = num(F.devMinor, 'devminor');
  // GNU headers hold atime/ctime/sparse data where USTAR has its prefix.
  const prefix = format === 'ustar' ? str(F.prefix) : format === 'star' ? str(F.starPrefix) : '';
  if (prefix !== '') h.name = `${prefix}/${h.name}`;
  return h;
}

export interface SparseSpan {
  offset: number;
  length: number;
}

/**
 * Reads old GNU sparse entries (offset/numbytes pairs of 12 bytes each) from `count` slots at
 * `b[start…]`. Like GNU tar and Go, an entry whose offset starts with NUL ends the list.
 */
export function parseSparseSlots(b: Buffer, start: number, count: number, offset: number): SparseSpan[] {
  const spans: SparseSpan[] = [];
  for (let i = 0; i < count; i++) {
    const at = start + i * 24;
    if (b[at] === 0) break;
    try {
      spans.push({ offset: parseNumeric(b, at, at + 12), length: parseNumeric(b, at + 12, at + 24) });
    } catch (e) {
      throw badHeader(offset, `sparse map: ${(e as FieldError).message}`);
    }
  }
  return spans;
}

/** The GNU real size field of an old-style sparse header. */
export function parseGnuRealSize(b: Buffer, s: number, offset: number): number {
  try {
    return parseNumeric(b, s + F.gnuRealSize[0], s + F.gnuRealSize[1]);
  } catch (e) {
    throw badHeader(offset, `sparse real size: ${(e as FieldError).message}`);
  }
}
