import { EngineError } from '../errors.js';

/** Below this many uncompressed bytes a stream is never refused for its ratio. */
export const EXPANSION_FLOOR = 256 * 1024 * 1024;

/**
 * A decompression bomb check that does not depend on the absolute size limits: gzip of zeros
 * reaches ~1000:1 and zstd RLE ~32000:1, real layers 2:1 to 20:1. Past EXPANSION_FLOOR, a stream
 * that has produced more than `ratio` times the compressed bytes read so far is refused
 * (ratio 0 turns the check off). Returns the error to raise, or null.
 */
export function expansionError(subject: string, expanded: number, compressed: number, ratio: number): EngineError | null {
  if (ratio <= 0 || expanded <= EXPANSION_FLOOR || expanded <= ratio * compressed) return null;
  return new EngineError(
    'LIMIT_EXCEEDED',
    `${subject} expands more than ${ratio}:1 (${expanded} bytes from ${compressed} so far); refusing it as a decompression bomb (the limit is the expansion ratio, PEEL_MAX_EXPANSION_RATIO)`,
    { subject },
  );
}
