import type * as Zlib from 'node:zlib';

export interface RawInflater {
  /**
   * Inflates `input[offset, offset + length)` until the input is used up, `room` bytes came out,
   * or (flush Z_BLOCK) a deflate block ended. `ended`: the deflate stream is complete (what
   * follows in the input is not deflate data). `into` (`room` bytes long): the output goes there
   * and `out` is a view of it, instead of a fresh array.
   */
  step(input: Uint8Array, offset: number, length: number, flush: number, room: number, into?: Uint8Array): { used: number; out: Uint8Array; ended: boolean };
  /** Throws unless the stream is complete (a truncated blob). */
  finish(): void;
  close(): void;
}

/**
 * Native zlib raw inflate, driven synchronously through the zlib handle Node's own sync
 * functions use: the stream API ends a stream wherever inflate stops with input left, so it
 * cannot stop at a block boundary (Z_BLOCK) and go on, which building an index needs. Errors
 * arrive through the handle's `onerror` during `writeSync`. Self-contained (only its
 * parameter): the inflate worker runs its source too.
 */
export function createRawInflater(zlib: typeof Zlib, dictionary: Uint8Array | null): RawInflater {
  const z = zlib.createInflateRaw(dictionary && dictionary.length > 0 ? { dictionary } : {});
  const internal = z as unknown as { _handle: { writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void; onerror: (message: string, errno: number) => void } | null; _writeState: Uint32Array };
  const handle = internal._handle;
  const state = internal._writeState;
  if (!handle || typeof handle.writeSync !== 'function' || !state) throw new Error('this Node.js zlib has no synchronous handle to drive');
  let error: Error | null = null;
  let ended = false;
  handle.onerror = (message: string, errno: number) => {
    error = new Error(`${message} (zlib ${errno})`);
  };
  const run = (flush: number, input: Uint8Array, offset: number, length: number, out: Uint8Array, outOffset: number, room: number) => {
    handle.writeSync(flush, input, offset, length, out, outOffset, room);
    if (error) throw error;
    return { availOut: state[0], availIn: state[1] };
  };
  return {
    step(input, offset, length, flush, room, into) {
      if (ended || length === 0) return { used: 0, out: new Uint8Array(0), ended };
      const out = into ?? new Uint8Array(room);
      const { availOut, availIn } = run(flush, input, offset, length, out, 0, room);
      const used = length - availIn;
      const made = room - availOut;
      // Input left and room left: inflate stopped by itself, at the stream's end or (Z_BLOCK) a
      // block's. Only the end stops it again at once, consuming and making nothing.
      if (availIn > 0 && availOut > 0 && (flush !== zlib.constants.Z_BLOCK || (used === 0 && made === 0))) ended = true;
      return { used, out: made === room ? out : out.subarray(0, made), ended };
    },
    finish() {
      if (ended) return;
      const out = new Uint8Array(1);
      const { availOut } = run(zlib.constants.Z_FINISH, new Uint8Array(0), 0, 0, out, 0, 1);
      if (availOut === 0) throw new Error('the deflate stream goes on past the end of its input');
      ended = true;
    },
    close() {
      z.close();
    },
  };
}
