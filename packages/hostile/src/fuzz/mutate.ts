/**
 * Mutations of tar archives, as data (so fast-check can generate, shrink and print them). Most
 * land on header blocks, re-sealed with a valid checksum, so the reader goes past the checksum
 * test and into the parts that interpret fields.
 */
import fc from 'fast-check';
import { BLOCK, seal } from '../tar.js';

export type Mutation =
  | { kind: 'field'; header: number; field: keyof typeof FIELDS; value: number[] }
  | { kind: 'number'; header: number; field: 'size' | 'mode' | 'uid' | 'mtime' | 'devMajor'; value: bigint; base256: boolean }
  | { kind: 'typeflag'; header: number; flag: string }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'bytes'; at: number; value: number[] }
  | { kind: 'truncate'; at: number }
  | { kind: 'dropBlock'; block: number }
  | { kind: 'repeatBlock'; block: number; times: number };

/** Header fields [start, end) the field mutation may overwrite. */
export const FIELDS = {
  name: [0, 100],
  linkName: [157, 257],
  magic: [257, 265],
  prefix: [345, 500],
  chksum: [148, 156],
  gnuSparse: [386, 483],
} as const;

const NUMBER_FIELDS = { size: [124, 12], mode: [100, 8], uid: [108, 8], mtime: [136, 12], devMajor: [329, 8] } as const;

/** Offsets of blocks that look like tar headers (their checksum is right), at any depth. */
export function headerOffsets(buf: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at + BLOCK <= buf.length; at += BLOCK) {
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : buf[at + i];
    const stored = parseInt(buf.toString('latin1', at + 148, at + 156).replace(/[\0 ]+$/, ''), 8);
    if (sum > 256 + 0x20 * 8 && sum === stored) out.push(at);
  }
  return out;
}

const interestingBytes = fc.oneof(
  fc.constantFrom(0x00, 0x20, 0x2e, 0x2f, 0x30, 0x37, 0x38, 0x80, 0xff, 0x0a),
  fc.integer({ min: 0, max: 255 }),
);
const interestingNumbers = fc.oneof(
  fc.constantFrom(0n, 1n, 511n, 512n, 513n, 8n ** 11n - 1n, 8n ** 11n, 2n ** 33n, 2n ** 53n, 2n ** 63n - 1n, -1n, -(2n ** 40n)),
  fc.bigInt({ min: 0n, max: 2n ** 34n }),
);

/** Mutations for an input of `size` bytes with `headers` header blocks. */
export function mutationArb(size: number, headers: number): fc.Arbitrary<Mutation> {
  const header = fc.integer({ min: 0, max: Math.max(0, headers - 1) });
  const at = fc.integer({ min: 0, max: Math.max(0, size - 1) });
  const block = fc.integer({ min: 0, max: Math.max(0, Math.floor(size / BLOCK) - 1) });
  const targeted: Array<fc.Arbitrary<Mutation>> = headers === 0 ? [] : [
    fc.record({ kind: fc.constant('field' as const), header, field: fc.constantFrom(...(Object.keys(FIELDS) as Array<keyof typeof FIELDS>)), value: fc.array(interestingBytes, { minLength: 1, maxLength: 12 }) }),
    fc.record({ kind: fc.constant('number' as const), header, field: fc.constantFrom('size', 'mode', 'uid', 'mtime', 'devMajor'), value: interestingNumbers, base256: fc.boolean() }),
    fc.record({ kind: fc.constant('typeflag' as const), header, flag: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', 'x', 'g', 'L', 'K', 'S', 'V', 'D', '\0', 'Z') }),
  ];
  return fc.oneof(
    ...targeted.map((arbitrary) => ({ arbitrary, weight: 4 })),
    { arbitrary: fc.record({ kind: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('bytes' as const), at, value: fc.array(interestingBytes, { minLength: 1, maxLength: 16 }) }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('truncate' as const), at }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('dropBlock' as const), block }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('repeatBlock' as const), block, times: fc.integer({ min: 1, max: 3 }) }), weight: 1 },
  );
}

/** Applies mutations in order to a copy of `input`; `headers` are its header offsets. */
export function applyMutations(input: Buffer, headers: number[], mutations: Mutation[]): Buffer {
  let buf = Buffer.from(input);
  for (const m of mutations) {
    const h = 'header' in m ? headers[m.header] : undefined;
    switch (m.kind) {
      case 'field': {
        if (h === undefined || h + BLOCK > buf.length) break;
        const [start, end] = FIELDS[m.field];
        Buffer.from(m.value).copy(buf, h + start, 0, end - start);
        if (m.field !== 'chksum') seal(buf.subarray(h, h + BLOCK));
        break;
      }
      case 'number': {
        if (h === undefined || h + BLOCK > buf.length) break;
        const [start, width] = NUMBER_FIELDS[m.field];
        writeNumber(buf, h + start, width, m.value, m.base256);
        seal(buf.subarray(h, h + BLOCK));
        break;
      }
      case 'typeflag':
        if (h === undefined || h + BLOCK > buf.length) break;
        buf.write(m.flag, h + 156, 1, 'latin1');
        seal(buf.subarray(h, h + BLOCK));
        break;
      case 'flip':
        if (m.at < buf.length) buf[m.at] ^= 1 << m.bit;
        break;
      case 'bytes':
        if (m.at < buf.length) Buffer.from(m.value).copy(buf, m.at);
        break;
      case 'truncate':
        buf = buf.subarray(0, Math.min(m.at, buf.length));
        break;
      case 'dropBlock': {
        const at = m.block * BLOCK;
        if (at < buf.length) buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + BLOCK)]);
        break;
      }
      case 'repeatBlock': {
        const at = m.block * BLOCK;
        if (at + BLOCK <= buf.length) buf = Buffer.concat([buf.subarray(0, at + BLOCK), ...Array.from({ length: m.times }, () => buf.subarray(at, at + BLOCK)), buf.subarray(at + BLOCK)]);
        break;
      }
    }
  }
  return buf;
}

function writeNumber(b: Buffer, at: number, width: number, value: bigint, base256: boolean): void {
  if (!base256 && value >= 0n && value < 8n ** BigInt(width - 1)) {
    b.write(`${value.toString(8).padStart(width - 1, '0')}\0`, at, width, 'latin1');
    return;
  }
  let v = value < 0n ? (1n << BigInt(width * 8)) + value : value;
  for (let i = width - 1; i >= 0; i--) {
    b[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  b[at] |= 0x80;
}
