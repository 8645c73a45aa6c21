import type { ByteStream } from './prng.js';

/**
 * How a file's bytes look: `text` compresses to about half (like text and code), `prose` to
 * about a fifth (like logs, JSON and docs: words from a small vocabulary), `random` not at all
 * (like media or packed data).
 */
export type Fill = 'text' | 'prose' | 'random';

const CHUNK = 1 << 20;
// 16 symbols, weighted towards letters and spaces: gzip gets about 2:1, as on source and docs.
const TEXT = Buffer.from('etaoin srhldu\n e');

/** `size` bytes of a file's content, in chunks of at most 1 MiB, drawn from `bytes`. */
export function* fileChunks(bytes: ByteStream, size: number, fill: Fill): Generator<Buffer> {
  for (let done = 0; done < size; done += CHUNK) {
    yield fileBytes(bytes, Math.min(CHUNK, size - done), fill);
  }
}

/** 64 words of 2–9 letters, each followed by a space, newline or punctuation: gzip -6 ≈ 5:1. */
const PROSE: Buffer[] = (() => {
  let s = 1;
  const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16);
  const seps = [' ', ' ', ' ', ' ', ' ', '\n', ', ', '. '];
  return Array.from({ length: 64 }, (_, i) => {
    let w = '';
    for (let j = 2 + (r() % 8); j > 0; j--) w += String.fromCharCode(97 + (r() % 26));
    return Buffer.from(w + seps[i % 8], 'latin1');
  });
})();

/** `n` (≤ 1 MiB) bytes of content. */
export function fileBytes(bytes: ByteStream, n: number, fill: Fill): Buffer {
  const b = bytes.take(n);
  if (fill === 'text') {
    for (let i = 0; i < b.length; i++) b[i] = TEXT[b[i] & 15];
  } else if (fill === 'prose') {
    // One word per random byte (6 bits of it), until n bytes are written.
    const out = Buffer.allocUnsafe(n);
    for (let i = 0, o = 0; o < n; i++) o += PROSE[b[i % n] & 63].copy(out, o, 0, Math.min(PROSE[b[i % n] & 63].length, n - o));
    return out;
  }
  return b;
}
