import type { ByteStream } from './prng.js';

/** How a file's bytes look: `text` compresses to about half (like text and code), `random` not at all (like media or packed data). */
export type Fill = 'text' | 'random';

const CHUNK = 1 << 20;
// 16 symbols, weighted towards letters and spaces: gzip gets about 2:1, as on source and docs.
const TEXT = Buffer.from('etaoin srhldu\n e');

/** `size` bytes of a file's content, in chunks of at most 1 MiB, drawn from `bytes`. */
export function* fileChunks(bytes: ByteStream, size: number, fill: Fill): Generator<Buffer> {
  for (let done = 0; done < size; done += CHUNK) {
    yield fileBytes(bytes, Math.min(CHUNK, size - done), fill);
  }
}

/** `n` (≤ 1 MiB) bytes of content. */
export function fileBytes(bytes: ByteStream, n: number, fill: Fill): Buffer {
  const b = bytes.take(n);
  if (fill === 'text') {
    for (let i = 0; i < b.length; i++) b[i] = TEXT[b[i] & 15];
  }
  return b;
}
