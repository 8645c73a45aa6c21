/**
 * Hand-made tar blocks for cases no tool writes on purpose (odd typeflags, sizes on header-only
 * types, broken fields). Built from encodeHeader output, then edited and re-checksummed.
 */
import { F, checksums } from '../../src/tar/fields.js';
import { encodeHeader, encodePaxRecords, type TarWriteHeader } from '../../src/tar/header.js';

export const END = Buffer.alloc(1024);

/** Data plus zero padding to the next block. */
export function body(data: Buffer | string): Buffer {
  const b = Buffer.from(data);
  return Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
}

/** Recomputes the checksum of the block at `b[0, 512)`. */
export function reseal(b: Buffer): Buffer {
  b.write(`${checksums(b).unsigned.toString(8).padStart(6, '0')}\0 `, F.chksum[0], 8, 'latin1');
  return b;
}

export interface Raw {
  name: string;
  typeflag: string;
  size?: number;
  linkName?: string;
  /** Overwrite raw field bytes before sealing: [offset, bytes]. */
  edits?: Array<[number, Buffer | string]>;
}

/** One USTAR block with any typeflag and size field (even where encodeHeader would refuse). */
export function raw(r: Raw): Buffer {
  const b = encodeHeader({ name: r.name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1_700_000_000, linkName: r.linkName });
  if (b.length !== 512) throw new Error('raw(): name needs PAX; keep crafted names short');
  b.write(r.typeflag, F.typeflag[0], 1, 'latin1');
  b.write(`${(r.size ?? 0).toString(8).padStart(11, '0')}\0`, F.size[0], 12, 'latin1');
  for (const [at, bytes] of r.edits ?? []) Buffer.from(bytes).copy(b, at);
  return reseal(b);
}

/** A regular file entry: header and padded data. */
export function file(name: string, data: Buffer | string, extra: Partial<TarWriteHeader> = {}): Buffer {
  const d = Buffer.from(data);
  return Buffer.concat([encodeHeader({ name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: d.length, mtime: 1_700_000_000, ...extra }), body(d)]);
}

/** A PAX 'x' or 'g' header with the given records. */
export function pax(typeflag: 'x' | 'g', records: Array<[string, string | Buffer]>): Buffer {
  const payload = encodePaxRecords(records.map(([k, v]) => [k, Buffer.from(v)] as const));
  return Buffer.concat([raw({ name: 'PaxHeaders/x', typeflag, size: payload.length }), body(payload)]);
}

/** A GNU ././@LongLink header ('L' name or 'K' link), NUL-terminated like GNU tar writes it. */
export function gnuLong(typeflag: 'L' | 'K', value: string): Buffer {
  const payload = Buffer.from(`${value}\0`);
  const h = raw({ name: '././@LongLink', typeflag, size: payload.length, edits: [[F.magic[0], 'ustar  \0']] });
  return Buffer.concat([h, body(payload)]);
}
