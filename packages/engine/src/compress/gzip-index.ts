import * as zlib from 'node:zlib';
import { inflateRawSync } from 'node:zlib';
import { EngineError } from '../errors.js';
import { createRawInflater } from './raw-inflate.js';

/**
 * A random-access index into a gzip blob (zran.c's technique): points where inflation can start
 * again without the bytes before them. Each checkpoint sits at a deflate block boundary: the bit
 * of the blob where the block starts, how much output came before it, and the 32 KiB of output
 * before it (what the block's back-references may reach). A gzip member's first block has no
 * history, so every member start is a checkpoint with an empty window.
 */
export interface GzipCheckpoint {
  /** Bit offset in the compressed blob where a deflate block starts. */
  bit: number;
  /** Uncompressed bytes before it. */
  out: number;
  /** The output's last ≤ 32 KiB before `out`, deflated (empty at a member start). */
  window: Buffer;
}

export interface GzipIndex {
  /** Uncompressed size. */
  size: number;
  /** In order of `out` (and of `bit`); the first is at 0. */
  checkpoints: GzipCheckpoint[];
}

/** Output between checkpoints: a read inflates at most this much before its first byte. */
export const CHECKPOINT_SPAN = 1024 * 1024;

const MAGIC = Buffer.from('PEELGZI1', 'latin1');

export function encodeGzipIndex(index: GzipIndex): Buffer {
  const head = Buffer.alloc(MAGIC.length + 12);
  MAGIC.copy(head);
  head.writeDoubleLE(index.size, 8);
  head.writeUInt32LE(index.checkpoints.length, 16);
  const parts = [head];
  for (const c of index.checkpoints) {
    const h = Buffer.alloc(20);
    h.writeDoubleLE(c.bit, 0);
    h.writeDoubleLE(c.out, 8);
    h.writeUInt32LE(c.window.length, 16);
    parts.push(h, Buffer.from(c.window));
  }
  return Buffer.concat(parts);
}

export function decodeGzipIndex(bytes: Buffer, subject: string): GzipIndex {
  const bad = () => new EngineError('TRUNCATED', `the gzip index of ${subject} is damaged`, { subject });
  if (bytes.length < 20 || !bytes.subarray(0, 8).equals(MAGIC)) throw bad();
  const size = bytes.readDoubleLE(8);
  const count = bytes.readUInt32LE(16);
  const checkpoints: GzipCheckpoint[] = [];
  let at = 20;
  for (let i = 0; i < count; i++) {
    if (at + 20 > bytes.length) throw bad();
    const bit = bytes.readDoubleLE(at);
    const out = bytes.readDoubleLE(at + 8);
    const len = bytes.readUInt32LE(at + 16);
    at += 20;
    if (at + len > bytes.length) throw bad();
    checkpoints.push({ bit, out, window: bytes.subarray(at, at + len) });
    at += len;
  }
  return { size, checkpoints };
}

/** A checkpoint's window as stored (the inflate worker deflates it at level 1: about half its size on text). */
export function unpackWindow(packed: Buffer): Buffer {
  return packed.length === 0 ? packed : inflateRawSync(packed);
}

/**
 * The compressed bytes from a block boundary at bit `bit & 7` of `bytes[0]`, made into bytes that
 * a raw inflater can start on. zlib cannot start mid-byte (its `inflatePrime` is not exposed
 * to JavaScript), and shifting the bytes would misplace a later stored block's padding; instead
 * the low bits already consumed are overwritten with the tail of empty fixed-Huffman blocks (10
 * bits each, decoding to nothing), preceded by whole bytes of the same, so every later bit keeps
 * its alignment. Only an even bit offset can be reached this way (10a ≡ r mod 8), so checkpoints
 * are only made at such boundaries. Self-contained: also runs inside the inflate worker.
 */
export function primeAtBit(bytes: Uint8Array, r: number): Uint8Array {
  if (r === 0) return bytes;
  if (r & 1) throw new Error(`cannot start inflating at odd bit ${r}`);
  // a blocks of 10 bits = 8m + r bits: a = r / 2, m = r / 2.
  const a = r / 2;
  const m = a;
  const out = new Uint8Array(m + bytes.length);
  out.set(bytes, m);
  let low = 0;
  for (let i = 0; i < a; i++) {
    // Each empty block: BFINAL 0, BTYPE 01 (bit 1 set), then the 7-bit end-of-block code 0000000.
    const b = 10 * i + 1;
    if (b < 8 * m) out[b >> 3] |= 1 << (b & 7);
    else low |= 1 << (b - 8 * m);
  }
  out[m] = (out[m] & ~((1 << r) - 1) & 0xff) | low;
  return out;
}

/**
 * Reads `length` bytes of the compressed blob at `position` (fewer only at its end), into `into`
 * when given (at least `length` bytes long).
 */
export type ReadCompressed = (position: number, length: number, into?: Buffer) => Promise<Buffer>;

const READ_COMPRESSED = 256 * 1024;

/**
 * Uncompressed bytes [start, end) of an indexed gzip blob, inflated from the last checkpoint at
 * or before `start`: at most CHECKPOINT_SPAN bytes are inflated and dropped before the first
 * one wanted. Crosses gzip member boundaries through their checkpoints.
 * `reuse`: the consumer is done with a chunk when it asks for the next (it copies the bytes out),
 * so the input and output buffers are reused: a pass over a 1 GiB layer otherwise allocates
 * ~2 GiB of fresh buffers, and that external memory makes V8 run full collections over the heap.
 */
export async function* readIndexedGzip(index: GzipIndex, read: ReadCompressed, start: number, end: number, subject: string, reuse = false): AsyncGenerator<Buffer> {
  end = Math.min(end, index.size);
  if (end <= start) return;
  let cp = checkpointBefore(index, start);
  let at = index.checkpoints[cp].out;
  while (at < end) {
    for await (const chunk of inflateFrom(index.checkpoints[cp], read, reuse)) {
      const from = Math.max(0, start - at);
      const to = Math.min(chunk.length, end - at);
      if (to > from) yield chunk.subarray(from, to);
      at += chunk.length;
      if (at >= end) return;
    }
    // The member ended: the next one starts at a checkpoint of its own.
    const next = index.checkpoints.findIndex((c, i) => i > cp && c.out === at);
    if (next < 0) break;
    cp = next;
  }
  if (at < end) throw new EngineError('TRUNCATED', `the compressed layer ${subject} ends at ${at} bytes of output, before byte ${end} its index promises`, { subject });
}

/** The last checkpoint at or before uncompressed offset `at`. */
export function checkpointBefore(index: GzipIndex, at: number): number {
  const cps = index.checkpoints;
  let lo = 0;
  let hi = cps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cps[mid].out <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Output from one checkpoint to the end of its gzip member, in chunks of up to 256 KiB. Inflated
 * here, synchronously, a chunk at a time (about 0.5 ms each): a read that restarts at a
 * checkpoint inflates a few MiB at most, and a thread-pool round trip per chunk would cost more.
 */
async function* inflateFrom(cp: GzipCheckpoint, read: ReadCompressed, reuse: boolean): AsyncGenerator<Buffer> {
  const inflater = createRawInflater(zlib, unpackWindow(cp.window));
  // Reused: one output buffer, and two input buffers (one inflating, one being read into).
  const output = reuse ? new Uint8Array(OUT_CHUNK) : undefined;
  const inputs = reuse ? [Buffer.allocUnsafe(READ_COMPRESSED), Buffer.allocUnsafe(READ_COMPRESSED)] : [];
  let turn = 0;
  const readNext = (at: number) => read(at, READ_COMPRESSED, inputs[turn++ % 2]);
  let position = Math.floor(cp.bit / 8);
  let next = readNext(position);
  try {
    let first = true;
    for (;;) {
      const bytes = await next;
      if (bytes.length === 0) {
        inflater.finish();
        return;
      }
      position += bytes.length;
      // The next compressed bytes are read (into the other input buffer) while these inflate.
      next = readNext(position);
      const input = first ? primeAtBit(bytes, cp.bit % 8) : bytes;
      first = false;
      for (let at = 0; at < input.length; ) {
        const r = inflater.step(input, at, input.length - at, zlib.constants.Z_NO_FLUSH, OUT_CHUNK, output);
        at += r.used;
        if (r.out.length > 0) yield Buffer.from(r.out.buffer, r.out.byteOffset, r.out.length);
        if (r.ended) return;
      }
    }
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError('DECOMPRESSION_FAILED', `inflating from a checkpoint failed: ${(e as Error).message}`, { cause: e });
  } finally {
    // A read ahead may still be under way (the consumer stopped early): its outcome is moot.
    next.catch(() => undefined);
    inflater.close();
  }
}

const OUT_CHUNK = 256 * 1024;
