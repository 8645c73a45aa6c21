/**
 * Walks the frame and block headers of a zstd stream (RFC 8878) without decoding anything, so
 * that the decoder can be fed bounded slices: it tells how many bytes each block regenerates
 * (an RLE block of 4 bytes makes 128 KiB) and refuses windows a decoder would have to allocate
 * before producing a byte (a 6-byte header can ask for 2 GiB).
 */
import { EngineError } from '../errors.js';

/** zstd's own default decoding limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27). */
export const MAX_ZSTD_WINDOW = 128 * 1024 * 1024;
/** Block_Maximum_Size: no block regenerates more. */
const MAX_BLOCK = 128 * 1024;

type Phase = 'magic' | 'frameHeader' | 'blockHeader' | 'blockBody' | 'checksum' | 'skipSize' | 'skipBody';

export class ZstdFrameWalker {
  private phase: Phase = 'magic';
  private head: number[] = [];
  private need = 4;
  private skipLeft = 0;
  private last = false;
  private checksum = false;

  constructor(private readonly subject: string, private readonly maxWindow = MAX_ZSTD_WINDOW) {}

  /**
   * Advances over `chunk` from `start`; returns the offset just past the next complete block
   * header (and the bytes that block regenerates), or null when the chunk ends first.
   */
  next(chunk: Buffer, start: number): { at: number; output: number } | null {
    let pos = start;
    while (pos < chunk.length) {
      if (this.phase === 'blockBody' || this.phase === 'checksum' || this.phase === 'skipBody') {
        const n = Math.min(this.skipLeft, chunk.length - pos);
        pos += n;
        this.skipLeft -= n;
        if (this.skipLeft === 0) this.afterBody();
        continue;
      }
      this.head.push(chunk[pos++]);
      if (this.head.length < this.need) continue;
      const out = this.onHeader();
      if (out !== null) return { at: pos, output: out };
    }
    return null;
  }

  /** True when the stream may end here (between frames). */
  get atFrameBoundary(): boolean {
    return this.phase === 'magic' && this.head.length === 0;
  }

  private onHeader(): number | null {
    const h = this.head;
    switch (this.phase) {
      case 'magic': {
        const magic = (h[0] | (h[1] << 8) | (h[2] << 16) | (h[3] << 24)) >>> 0;
        this.head = [];
        if (magic === 0xfd2fb528) return this.expect('frameHeader', 1), null;
        if ((magic & 0xfffffff0) === 0x184d2a50) return this.expect('skipSize', 4), null;
        throw this.fail(`bad zstd frame magic 0x${magic.toString(16)}`);
      }
      case 'frameHeader': {
        if (h.length === 1) {
          const fhd = h[0];
          if (fhd & 0x08) throw this.fail('reserved bit set in a zstd frame header');
          const single = (fhd >> 5) & 1;
          const fcsFlag = fhd >> 6;
          const dictBytes = [0, 1, 2, 4][fhd & 3];
          const fcsBytes = fcsFlag === 0 ? single : 1 << fcsFlag;
          this.checksum = ((fhd >> 2) & 1) === 1;
          this.need = 1 + (single ? 0 : 1) + dictBytes + fcsBytes;
          if (this.need > 1) return null;
        }
        this.checkWindow(h);
        return this.expect('blockHeader', 3), null;
      }
      case 'blockHeader': {
        const v = h[0] | (h[1] << 8) | (h[2] << 16);
        const type = (v >> 1) & 3;
        const size = v >> 3;
        this.last = (v & 1) === 1;
        this.head = [];
        if (type === 3) throw this.fail('reserved zstd block type');
        this.phase = 'blockBody';
        this.skipLeft = type === 1 ? 1 : size;
        if (this.skipLeft === 0) this.afterBody();
        return type === 2 ? MAX_BLOCK : size;
      }
      case 'skipSize':
        this.phase = 'skipBody';
        this.skipLeft = (h[0] | (h[1] << 8) | (h[2] << 16) | (h[3] << 24)) >>> 0;
        this.head = [];
        if (this.skipLeft === 0) this.afterBody();
        return null;
      default:
        return null;
    }
  }

  private afterBody(): void {
    if (this.phase === 'skipBody' || this.phase === 'checksum') return this.expect('magic', 4);
    if (!this.last) return this.expect('blockHeader', 3);
    if (this.checksum) {
      this.phase = 'checksum';
      this.skipLeft = 4;
      return;
    }
    this.expect('magic', 4);
  }

  private expect(phase: Phase, need: number): void {
    this.phase = phase;
    this.need = need;
    this.head = [];
  }

  /** Window_Descriptor, or the content size of a single-segment frame, against the limit. */
  private checkWindow(h: number[]): void {
    const fhd = h[0];
    const single = (fhd >> 5) & 1;
    let window: number;
    if (!single) {
      const exp = h[1] >> 3;
      const base = 2 ** (10 + exp);
      window = base + (base / 8) * (h[1] & 7);
    } else {
      const fcsBytes = h.length - 1 - [0, 1, 2, 4][fhd & 3];
      const at = h.length - fcsBytes;
      window = 0;
      for (let i = fcsBytes - 1; i >= 0; i--) window = window * 256 + h[at + i];
      if (fcsBytes === 2) window += 256;
    }
    if (window > this.maxWindow) {
      throw new EngineError('LIMIT_EXCEEDED', `${this.subject}: a zstd frame asks for a ${(window / 2 ** 20).toFixed(0)} MiB window; Peel decodes at most ${this.maxWindow / 2 ** 20} MiB (zstd's own default limit)`, { subject: this.subject });
    }
  }

  private fail(why: string): EngineError {
    return new EngineError('DECOMPRESSION_FAILED', `${this.subject} could not be zstd-decompressed: ${why}`, { subject: this.subject });
  }
}
