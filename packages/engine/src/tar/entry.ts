/**
 * The merged view of one tar entry: a header block plus the PAX records and GNU long names
 * that came before it, combined the way Go's archive/tar `Reader.Next` does.
 */
import type { HeaderBlock, SparseSpan } from './header.js';
import { decodeName } from './names.js';
import { parsePaxInteger, parsePaxTime } from './pax.js';

export type TarType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'sparse' | 'other';

export interface TarHeader {
  /** Merged from PAX path, GNU 'L', USTAR prefix+name; non-UTF-8 bytes as in names.ts. */
  name: string;
  linkName: string;
  /** The raw typeflag character ('\0' for the legacy regular file). */
  typeflag: string;
  type: TarType;
  /** Header mode & 0o7777. */
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Bytes of data that follow in the archive (0 for header-only types whatever the header says). */
  size: number;
  /** Logical file size: the expanded size of a sparse file, else `size`. */
  realSize: number;
  /** Seconds; fractional when a PAX mtime says so. */
  mtime: number;
  devMajor: number;
  devMinor: number;
  /** This entry's own PAX records, raw (global 'g' records are never merged in). */
  pax: Map<string, Buffer> | null;
  /** SCHILY.xattr.* records, values byte for byte. */
  xattrs: Record<string, Buffer> | null;
  /** Data regions of a sparse file; the stored data is these regions back to back. */
  sparse: SparseSpan[] | null;
  /** Offset of the entry's first block, including its PAX/GNU extension headers. */
  headerOffset: number;
  /** Offset of the entry's data (after an old GNU sparse map or a PAX 1.0 sparse map). */
  dataOffset: number;
}

const TYPES: Record<string, TarType> = {
  '\0': 'file',
  '0': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
  S: 'sparse',
};

/** Go `isHeaderOnlyType`: these never have data, even when the size field says otherwise. */
export function isHeaderOnly(type: TarType): boolean {
  return type === 'dir' || type === 'symlink' || type === 'hardlink' || type === 'char' || type === 'block' || type === 'fifo';
}

/** Extension headers seen before an entry's own header. */
export interface Pending {
  headerOffset: number;
  pax: Map<string, Buffer> | null;
  longName: string | null;
  longLink: string | null;
}

const XATTR = 'SCHILY.xattr.';

/**
 * Builds the entry header. Throws PaxError on bad PAX numbers. `size` and `realSize` are the
 * header's values here; the reader adjusts them for header-only types and sparse files.
 */
export function mergeEntry(hb: HeaderBlock, pending: Pending | null, blockOffset: number): TarHeader {
  const h: TarHeader = {
    name: hb.name,
    linkName: hb.linkName,
    typeflag: hb.typeflag,
    type: TYPES[hb.typeflag] ?? 'other',
    mode: hb.mode & 0o7777,
    uid: hb.uid,
    gid: hb.gid,
    uname: hb.uname,
    gname: hb.gname,
    size: hb.size,
    realSize: hb.size,
    mtime: hb.mtime,
    devMajor: hb.devMajor,
    devMinor: hb.devMinor,
    pax: pending?.pax ?? null,
    xattrs: null,
    sparse: null,
    headerOffset: pending?.headerOffset ?? blockOffset,
    dataOffset: 0,
  };
  for (const [key, value] of h.pax ?? []) {
    if (value.length === 0) continue; // Go: an empty record keeps the header's value
    switch (key) {
      case 'path': h.name = decodeName(value); break;
      case 'linkpath': h.linkName = decodeName(value); break;
      case 'uname': h.uname = decodeName(value); break;
      case 'gname': h.gname = decodeName(value); break;
      case 'uid': h.uid = parsePaxInteger(key, value); break;
      case 'gid': h.gid = parsePaxInteger(key, value); break;
      case 'size': h.size = parsePaxInteger(key, value); break;
      case 'mtime': h.mtime = parsePaxTime(key, value); break;
      case 'atime': case 'ctime': parsePaxTime(key, value); break;
      default:
        if (key.startsWith(XATTR)) {
          h.xattrs ??= Object.create(null) as Record<string, Buffer>;
          h.xattrs[key.slice(XATTR.length)] = value;
        }
    }
  }
  // Go applies GNU long names after PAX records.
  if (pending?.longName) h.name = pending.longName;
  if (pending?.longLink) h.linkName = pending.longLink;
  // Legacy archives mark directories with a trailing slash on a regular-file typeflag.
  if (h.type === 'file' && h.name.endsWith('/')) h.type = 'dir';
  h.realSize = h.size;
  if (isHeaderOnly(h.type)) h.size = h.realSize = 0;
  return h;
}
