import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

export interface ReadLimits {
  /** Stop after this many bytes of the file. */
  maxBytes: number;
  /** Longer lines are scanned in pieces of this length (minified code has megabyte lines). */
  maxLine: number;
  /** Give up on a file whose first 8 KiB hold a NUL byte (a binary). */
  skipBinary: boolean;
}

export interface ReadResult {
  bytes: number;
  binary: boolean;
  truncated: boolean;
}

const SNIFF_BYTES = 8192;
/** Kept from a cut line so a secret across the cut is still seen whole. */
const OVERLAP = 256;

/**
 * Streams a file's lines to `onLine` (1-based numbers) without holding the file: bytes are
 * decoded as they come, a line longer than `maxLine` is handed over in overlapping pieces under
 * the same number, and reading stops at `maxBytes`.
 */
export async function readLines(stream: Readable, limits: ReadLimits, onLine: (line: string, no: number) => void): Promise<ReadResult> {
  const decoder = new StringDecoder('utf8');
  const step = Math.max(1, limits.maxLine - OVERLAP);
  const emit = (line: string, n: number) => {
    let at = 0;
    while (line.length - at > limits.maxLine) {
      onLine(line.slice(at, at + limits.maxLine), n);
      at += step;
    }
    onLine(at === 0 ? line : line.slice(at), n);
  };
  let carry = '';
  let no = 1;
  let bytes = 0;
  let truncated = false;
  try {
    for await (const raw of stream) {
      let chunk = raw as Buffer;
      if (bytes === 0 && limits.skipBinary && chunk.subarray(0, SNIFF_BYTES).includes(0)) return { bytes: chunk.length, binary: true, truncated: false };
      if (bytes + chunk.length > limits.maxBytes) {
        chunk = chunk.subarray(0, limits.maxBytes - bytes);
        truncated = true;
      }
      bytes += chunk.length;
      carry += decoder.write(chunk);
      let pos = 0;
      for (let nl = carry.indexOf('\n'); nl >= 0; nl = carry.indexOf('\n', pos)) {
        emit(stripCr(carry.slice(pos, nl)), no++);
        pos = nl + 1;
      }
      carry = carry.slice(pos);
      while (carry.length > limits.maxLine) {
        onLine(carry.slice(0, limits.maxLine), no);
        carry = carry.slice(step);
      }
      if (truncated) break;
    }
  } finally {
    stream.destroy();
  }
  carry += decoder.end();
  if (carry.length > 0) emit(stripCr(carry), no);
  return { bytes, binary: false, truncated };
}

const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
