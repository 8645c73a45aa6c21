/**
 * A tar writer that will write anything: any typeflag, any size field (octal, base-256,
 * negative), names of any length (PAX), headers that claim payloads they do not carry. It is
 * independent of the engine's writer on purpose: the corpus must not share the reader's ideas.
 */
import { createHash } from 'node:crypto';

export const BLOCK = 512;
export const END = Buffer.alloc(2 * BLOCK);

export interface RawHeader {
  name: string | Buffer;
  /** Typeflag character: '0' file, '1' hard link, '2' symlink, '3' char, '5' dir, '6' fifo, 'x' PAX, 'S' sparse… */
  type?: string;
  size?: number;
  /** Raw 12 bytes for the size field (base-256, negative, garbage), overriding `size`. */
  sizeField?: Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkName?: string | Buffer;
  devMajor?: number;
  devMinor?: number;
  /** 'ustar' (default), 'gnu' (old GNU magic) or 'v7' (no magic). */
  magic?: 'ustar' | 'gnu' | 'v7';
  /** Last word: raw edits [offset, bytes] applied before the checksum. */
  edits?: Array<[number, Buffer | string]>;
}

const octal = (n: number, width: number): string => `${n.toString(8).padStart(width - 1, '0')}\0`;

/** One 512-byte header block with a correct checksum. Names over 100 bytes are cut (use `pax`). */
export function header(h: RawHeader): Buffer {
  const b = Buffer.alloc(BLOCK);
  Buffer.from(h.name).copy(b, 0, 0, 100);
  b.write(octal(h.mode ?? 0o644, 8), 100, 'latin1');
  b.write(octal(h.uid ?? 0, 8), 108, 'latin1');
  b.write(octal(h.gid ?? 0, 8), 116, 'latin1');
  if (h.sizeField) h.sizeField.copy(b, 124, 0, 12);
  else if ((h.size ?? 0) < 8 ** 11) b.write(octal(h.size ?? 0, 12), 124, 'latin1');
  else base256(h.size ?? 0).copy(b, 124);
  b.write(octal(h.mtime ?? 1_700_000_000, 12), 136, 'latin1');
  b.write(h.type ?? '0', 156, 1, 'latin1');
  if (h.linkName !== undefined) Buffer.from(h.linkName).copy(b, 157, 0, 100);
  if (h.magic === 'gnu') b.write('ustar  \0', 257, 'latin1');
  else if (h.magic !== 'v7') b.write('ustar\x0000', 257, 'latin1');
  if (h.magic !== 'v7') {
    b.write(octal(h.devMajor ?? 0, 8), 329, 'latin1');
    b.write(octal(h.devMinor ?? 0, 8), 337, 'latin1');
  }
  for (const [at, bytes] of h.edits ?? []) Buffer.from(bytes as string, 'latin1').copy(b, at);
  return seal(b);
}

/** Writes the checksum of a header block in place. */
export function seal(b: Buffer): Buffer {
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i];
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

/** A 12-byte GNU base-256 number (negative in two's complement). */
export function base256(n: number | bigint): Buffer {
  let v = BigInt(n);
  const b = Buffer.alloc(12);
  if (v < 0n) v = (1n << 96n) + v;
  for (let i = 11; i >= 0; i--) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  b[0] |= 0x80;
  return b;
}

export const pad = (n: number): Buffer => Buffer.alloc((BLOCK - (n % BLOCK)) % BLOCK);

/** PAX records "<len> key=value\n". */
export function paxPayload(records: Array<[string, string | Buffer]>): Buffer {
  return Buffer.concat(records.map(([k, v]) => {
    const body = Buffer.concat([Buffer.from(` ${k}=`), Buffer.from(v), Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len++;
    return Buffer.concat([Buffer.from(String(len)), body]);
  }));
}

/** A PAX extended header ('x', or 'g' for global) carrying `records`. */
export function pax(records: Array<[string, string | Buffer]>, type: 'x' | 'g' = 'x'): Buffer {
  const payload = paxPayload(records);
  return Buffer.concat([header({ name: 'PaxHeader', type, size: payload.length }), payload, pad(payload.length)]);
}

export interface Item extends Omit<RawHeader, 'size'> {
  data?: Buffer | string;
  /** Extra PAX records for this entry (long names go there automatically). */
  records?: Array<[string, string | Buffer]>;
}

/** One entry: a PAX header when the name or link does not fit, the header, the data and padding. */
export function item(it: Item): Buffer {
  const data = it.data === undefined ? Buffer.alloc(0) : Buffer.from(it.data);
  const records = [...(it.records ?? [])];
  const name = Buffer.from(it.name);
  const link = it.linkName === undefined ? undefined : Buffer.from(it.linkName);
  if (name.length > 100) records.push(['path', name]);
  if (link && link.length > 100) records.push(['linkpath', link]);
  const head = header({ ...it, name: name.subarray(0, 100), linkName: link?.subarray(0, 100), size: data.length });
  return Buffer.concat([records.length ? pax(records) : Buffer.alloc(0), head, data, pad(data.length)]);
}

/** A whole tar archive of `items` (duplicates and oddities kept as given). */
export function tar(items: Item[], end: Buffer = END): Buffer {
  return Buffer.concat([...items.map(item), end]);
}

export const file = (name: string | Buffer, data: Buffer | string = '', extra: Partial<Item> = {}): Item => ({ name, type: '0', data, ...extra });
export const dir = (name: string | Buffer, extra: Partial<Item> = {}): Item => ({ name, type: '5', mode: 0o755, ...extra });
export const symlink = (name: string | Buffer, target: string | Buffer): Item => ({ name, type: '2', linkName: target, mode: 0o777 });
export const hardlink = (name: string | Buffer, target: string | Buffer): Item => ({ name, type: '1', linkName: target });

export const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
