import { createCipheriv, type Cipher } from 'node:crypto';

/**
 * Seeded randomness. Decisions (names, sizes, which file to delete) come from splitmix32, a tiny
 * PRNG with good statistics; bulk file bytes come from an AES-128-CTR keystream keyed by the same
 * seed, which is deterministic and runs at GB/s (a JS byte loop would dominate generation time).
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.u32() / 0x1_0000_0000;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Log-uniform in [lo, hi]: many small values, a few large ones (like file sizes in an OS). */
  logInt(lo: number, hi: number): number {
    const a = Math.log(Math.max(1, lo));
    const b = Math.log(Math.max(1, hi));
    return Math.round(Math.exp(a + this.next() * (b - a)));
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }

  /** A derived seed, for a child generator that must not depend on how much this one was used. */
  fork(label: number): Rng {
    return new Rng((this.u32() ^ Math.imul(label + 1, 0x27d4eb2d)) >>> 0);
  }
}

/** Deterministic pseudo-random bytes from a seed (AES-128-CTR over zeros). */
export class ByteStream {
  private readonly cipher: Cipher;
  private static zeros = Buffer.alloc(1 << 20);

  constructor(seed: number) {
    const key = Buffer.alloc(16);
    key.writeUInt32BE(seed >>> 0, 0);
    key.write('peel-bench', 4, 'latin1');
    this.cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  }

  /** The next `n` bytes (n ≤ 1 MiB per call). */
  take(n: number): Buffer {
    if (n > ByteStream.zeros.length) throw new RangeError(`ByteStream.take: at most ${ByteStream.zeros.length} bytes per call, asked ${n}`);
    return this.cipher.update(ByteStream.zeros.subarray(0, n));
  }
}
