/** Compression detected from magic bytes, never from names or media types. */
export type Detected = 'gzip' | 'zstd' | 'bzip2' | 'xz' | 'none';

/** Bytes needed to tell every format apart. */
export const SNIFF_BYTES = 6;

export function sniffCompression(head: Uint8Array): Detected {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  // zstd skippable frame (zstd:chunked puts metadata in them): 0x184D2A5? little-endian.
  if (head.length >= 4 && (head[0] & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18) return 'zstd';
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head.length >= 6 && head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58 && head[4] === 0x5a && head[5] === 0x00) return 'xz';
  return 'none';
}
