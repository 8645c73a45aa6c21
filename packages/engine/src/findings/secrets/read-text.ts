export interface ReadLimits {
  /** Stop after this many bytes of the file. */
  maxBytes: number;
  /** Longer lines are handed over in pieces of this length (minified code has megabyte lines). */
  maxLine: number;
  /** Give up on a file whose first 8 KiB hold a NUL byte (a binary). */
  skipBinary: boolean;
}

export interface ReadResult {
  bytes: number;
  binary: boolean;
  truncated: boolean;
}

/**
 * Receives whole lines, `\n`-separated, the first numbered `firstLine` (1-based), as a latin1
 * string: one character per byte, so it costs a copy, not a decode, and any byte offset is a
 * string index (decode a line as UTF-8 once it is worth it). A piece of an over-long line comes
 * alone, under that line's number.
 */
export type BlockSink = (text: string, firstLine: number) => void;

const SNIFF_BYTES = 8192;
/** Kept from a cut line so a secret across the cut is still seen whole. */
const OVERLAP = 256;
const NL = 10;

/**
 * Streams a file's text to `onBlock`, chunk by chunk, without holding the file; stops at
 * `maxBytes`. Chunks may be reused by their source once handed over: only a copy of the
 * unfinished last line is kept.
 */
export async function readText(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, limits: ReadLimits, onBlock: BlockSink): Promise<ReadResult> {
  const step = Math.max(1, limits.maxLine - OVERLAP);
  let carry: Buffer = Buffer.alloc(0);
  let line = 1;
  // The last block's lines are counted only when another block follows: most files are one block.
  let uncounted: string | null = null;
  const settle = () => {
    if (uncounted !== null) line += countLines(uncounted, 0, uncounted.length) + 1;
    uncounted = null;
  };
  let bytes = 0;
  let truncated = false;
  /** Hands over the full pieces of a line too long to wait for, and returns the rest. */
  const cutLong = (buf: Buffer): Buffer => {
    let at = 0;
    while (buf.length - at > limits.maxLine) {
      settle();
      onBlock(buf.toString('latin1', at, at + limits.maxLine), line);
      at += step;
    }
    return at === 0 ? buf : buf.subarray(at);
  };
  for await (const raw of chunks) {
    let chunk = raw;
    if (bytes === 0 && limits.skipBinary && chunk.subarray(0, SNIFF_BYTES).includes(0)) return { bytes: chunk.length, binary: true, truncated: false };
    if (bytes + chunk.length > limits.maxBytes) {
      chunk = chunk.subarray(0, limits.maxBytes - bytes);
      truncated = true;
    }
    bytes += chunk.length;
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const lastNl = buf.lastIndexOf(NL);
    if (lastNl < 0) {
      carry = Buffer.from(cutLong(buf));
    } else {
      emitLines(buf.subarray(0, lastNl));
      carry = Buffer.from(cutLong(buf.subarray(lastNl + 1)));
    }
    if (truncated) break;
  }
  settle();
  if (carry.length > 0) onBlock(carry.toString('latin1', 0, carry.length), line);
  return { bytes, binary: false, truncated };

  function emitLines(whole: Buffer): void {
    if (!hasLongLine(whole, limits.maxLine)) {
      const text = whole.toString('latin1', 0, whole.length);
      settle();
      onBlock(text, line);
      uncounted = text;
      return;
    }
    settle();
    let start = 0;
    for (let nl = whole.indexOf(NL); ; nl = whole.indexOf(NL, start)) {
      const end = nl < 0 ? whole.length : nl;
      const rest = cutLong(whole.subarray(start, end));
      onBlock(rest.toString('latin1', 0, rest.length), line++);
      if (nl < 0) return;
      start = nl + 1;
    }
  }
}

/** Newlines in text[from, to). */
export function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function hasLongLine(buf: Buffer, max: number): boolean {
  if (buf.length <= max) return false;
  let prev = 0;
  for (let i = buf.indexOf(NL); ; i = buf.indexOf(NL, prev)) {
    const end = i < 0 ? buf.length : i;
    if (end - prev > max) return true;
    if (i < 0) return false;
    prev = i + 1;
  }
}
