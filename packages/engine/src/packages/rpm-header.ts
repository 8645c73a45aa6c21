import { normalizePath } from '../layer/normalize.js';

/**
 * An RPM header as the rpmdb stores it (header only: no lead, no signature): the number of index
 * entries and the length of the data store (two big-endian 32-bit words), the index entries
 * (tag, type, offset into the data store, count: four big-endian 32-bit words each), then the data
 * store. Only the tags Peel shows are decoded; every offset and count is checked against the store.
 */

export class RpmHeaderError extends Error {
  override name = 'RpmHeaderError';
}

export const RPMTAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SIZE: 1009,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  LONGSIZE: 5009,
} as const;

const TYPE = { INT32: 4, INT64: 5, STRING: 6, STRING_ARRAY: 8, I18NSTRING: 9 } as const;

/** rpm's own bounds for a header read from a database (hdrblob limits). */
const MAX_INDEX_ENTRIES = 0xffff;
const MAX_DATA_LENGTH = 256 * 1024 * 1024;

export interface RpmHeaderFields {
  name: string;
  version: string;
  release: string;
  epoch: number | null;
  arch: string | null;
  /** LONGSIZE where present, else SIZE: the installed size in bytes. */
  size: number | null;
  license: string | null;
  sourceRpm: string | null;
  /** Absolute, normalised paths, as `rpm -ql` lists them. */
  files: string[];
}

interface IndexEntry {
  type: number;
  offset: number;
  count: number;
}

const WANTED = new Set<number>(Object.values(RPMTAG));

export function parseRpmHeader(blob: Buffer): RpmHeaderFields {
  if (blob.length < 8) throw new RpmHeaderError(`header of ${blob.length} bytes is shorter than its preamble`);
  const entryCount = blob.readUInt32BE(0);
  const dataLength = blob.readUInt32BE(4);
  if (entryCount < 1 || entryCount > MAX_INDEX_ENTRIES) throw new RpmHeaderError(`header claims ${entryCount} index entries`);
  if (dataLength > MAX_DATA_LENGTH) throw new RpmHeaderError(`header claims a data store of ${dataLength} bytes`);
  const storeStart = 8 + entryCount * 16;
  if (storeStart + dataLength > blob.length) throw new RpmHeaderError(`header claims ${entryCount} entries and ${dataLength} bytes of data, more than its ${blob.length} bytes`);
  const store = blob.subarray(storeStart, storeStart + dataLength);

  const entries = new Map<number, IndexEntry>();
  for (let i = 0; i < entryCount; i++) {
    const at = 8 + i * 16;
    const tag = blob.readUInt32BE(at);
    if (!WANTED.has(tag) || entries.has(tag)) continue;
    const entry = { type: blob.readUInt32BE(at + 4), offset: blob.readUInt32BE(at + 8), count: blob.readUInt32BE(at + 12) };
    if (entry.offset >= dataLength) throw new RpmHeaderError(`tag ${tag}: offset ${entry.offset} is past the data store (${dataLength} bytes)`);
    entries.set(tag, entry);
  }

  const reader = new StoreReader(store, entries);
  const name = reader.string(RPMTAG.NAME);
  const version = reader.string(RPMTAG.VERSION);
  const release = reader.string(RPMTAG.RELEASE);
  if (name === null || version === null || release === null) throw new RpmHeaderError('header has no NAME, VERSION or RELEASE');
  return {
    name,
    version,
    release,
    epoch: reader.integers(RPMTAG.EPOCH)?.[0] ?? null,
    arch: reader.string(RPMTAG.ARCH),
    size: reader.integers(RPMTAG.LONGSIZE)?.[0] ?? reader.integers(RPMTAG.SIZE)?.[0] ?? null,
    license: reader.string(RPMTAG.LICENSE),
    sourceRpm: reader.string(RPMTAG.SOURCERPM),
    files: fileList(reader),
  };
}

function fileList(reader: StoreReader): string[] {
  const basenames = reader.strings(RPMTAG.BASENAMES);
  if (basenames === null) return (reader.strings(RPMTAG.OLDFILENAMES) ?? []).map(absolute).filter((path) => path !== '/');
  const dirnames = reader.strings(RPMTAG.DIRNAMES) ?? [];
  const indexes = reader.integers(RPMTAG.DIRINDEXES) ?? [];
  if (indexes.length !== basenames.length) throw new RpmHeaderError(`${basenames.length} file names but ${indexes.length} folder indexes`);
  // Each folder is normalised once; a plain base name (no `/`, not `.` or `..`) is then simply appended.
  const folders = dirnames.map(absolute);
  const files: string[] = [];
  basenames.forEach((base, i) => {
    const folder = folders[indexes[i]!];
    if (folder === undefined) throw new RpmHeaderError(`file ${base} names folder ${indexes[i]} of ${dirnames.length}`);
    const plain = base !== '' && base !== '.' && base !== '..' && !base.includes('/');
    const path = plain ? (folder === '/' ? `/${base}` : `${folder}/${base}`) : absolute(`${folder}/${base}`);
    if (path !== '/') files.push(path);
  });
  return files;
}

function absolute(path: string): string {
  return `/${normalizePath(path).path}`;
}

class StoreReader {
  constructor(
    private readonly store: Buffer,
    private readonly entries: Map<number, IndexEntry>,
  ) {}

  string(tag: number): string | null {
    const entry = this.entries.get(tag);
    if (entry === undefined) return null;
    if (entry.type !== TYPE.STRING && entry.type !== TYPE.I18NSTRING && entry.type !== TYPE.STRING_ARRAY) throw new RpmHeaderError(`tag ${tag} has type ${entry.type}, not a string`);
    return this.stringAt(tag, entry.offset).value;
  }

  strings(tag: number): string[] | null {
    const entry = this.entries.get(tag);
    if (entry === undefined) return null;
    if (entry.type !== TYPE.STRING_ARRAY) throw new RpmHeaderError(`tag ${tag} has type ${entry.type}, not a string array`);
    // Each string takes at least its NUL: a count beyond the bytes left is a lie, refused before any allocation.
    if (entry.count > this.store.length - entry.offset) throw new RpmHeaderError(`tag ${tag} claims ${entry.count} strings in ${this.store.length - entry.offset} bytes`);
    const values: string[] = [];
    let at = entry.offset;
    for (let i = 0; i < entry.count; i++) {
      const { value, next } = this.stringAt(tag, at);
      values.push(value);
      at = next;
    }
    return values;
  }

  integers(tag: number): number[] | null {
    const entry = this.entries.get(tag);
    if (entry === undefined) return null;
    const width = entry.type === TYPE.INT32 ? 4 : entry.type === TYPE.INT64 ? 8 : 0;
    if (width === 0) throw new RpmHeaderError(`tag ${tag} has type ${entry.type}, not an integer`);
    if (entry.count > (this.store.length - entry.offset) / width) throw new RpmHeaderError(`tag ${tag} claims ${entry.count} integers past the data store`);
    const values: number[] = [];
    for (let i = 0; i < entry.count; i++) {
      const at = entry.offset + i * width;
      values.push(width === 4 ? this.store.readUInt32BE(at) : Number(this.store.readBigUInt64BE(at)));
    }
    return values;
  }

  private stringAt(tag: number, at: number): { value: string; next: number } {
    const end = this.store.indexOf(0, at);
    if (end < 0) throw new RpmHeaderError(`tag ${tag}: a string runs past the data store`);
    return { value: this.store.toString('utf8', at, end), next: end + 1 };
  }
}
