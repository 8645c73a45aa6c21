/**
 * TarWriter: writes entries to a ByteSink in the form Go, Docker and GNU tar read: USTAR
 * blocks with PAX 'x' headers for long or non-ASCII names, big ids and sizes, fractional
 * mtimes and SCHILY.xattr records. Entries are added one at a time (await each add()).
 */
import { EngineError } from '../errors.js';
import { BLOCK, ZERO_BLOCK } from './fields.js';
import { encodeHeader, type TarWriteHeader } from './header-encode.js';

export type { TarWriteHeader } from './header-encode.js';

export interface ByteSink {
  /** Receives the archive bytes in order. Chunks may be shared (padding): do not modify them. */
  write(chunk: Buffer): Promise<void>;
}

export class TarWriter {
  private written = 0;
  private busy = false;
  private done = false;

  constructor(private readonly sink: ByteSink) {}

  /** Bytes written to the sink so far. */
  get bytes(): number {
    return this.written;
  }

  /**
   * Writes one entry. `body` must hold exactly `h.size` bytes (SIZE_MISMATCH otherwise; the
   * archive is then unusable). Entries other than files take no body.
   */
  async add(h: TarWriteHeader, body?: Buffer | AsyncIterable<Buffer>): Promise<void> {
    if (this.busy) throw new Error('TarWriter: add() called before the previous add() finished');
    if (this.done) throw new Error('TarWriter: add() after finish()');
    this.busy = true;
    try {
      await this.put(encodeHeader(h));
      const got = body === undefined ? 0 : Buffer.isBuffer(body) ? await this.putBody(h, body) : await this.streamBody(h, body);
      if (got !== h.size) throw mismatch(h, got);
      await this.pad(h.size);
    } finally {
      this.busy = false;
    }
  }

  /** Writes the end-of-archive marker (two zero blocks). */
  async finish(): Promise<void> {
    if (this.busy) throw new Error('TarWriter: finish() called before the last add() finished');
    if (this.done) return;
    this.done = true;
    await this.put(ZERO_BLOCK.subarray(0, 2 * BLOCK));
  }

  private async putBody(h: TarWriteHeader, body: Buffer): Promise<number> {
    if (body.length !== h.size) throw mismatch(h, body.length);
    if (body.length > 0) await this.put(body);
    return body.length;
  }

  private async streamBody(h: TarWriteHeader, body: AsyncIterable<Buffer>): Promise<number> {
    let got = 0;
    for await (const chunk of body) {
      got += chunk.length;
      if (got > h.size) throw mismatch(h, got, 'at least ');
      if (chunk.length > 0) await this.put(chunk);
    }
    return got;
  }

  private async pad(size: number): Promise<void> {
    const n = (BLOCK - (size % BLOCK)) % BLOCK;
    if (n > 0) await this.put(ZERO_BLOCK.subarray(0, n));
  }

  private async put(chunk: Buffer): Promise<void> {
    await this.sink.write(chunk);
    this.written += chunk.length;
  }
}

function mismatch(h: TarWriteHeader, got: number, qualifier = ''): EngineError {
  return new EngineError('SIZE_MISMATCH', `tar entry "${h.name}" declares ${h.size} bytes but its body has ${qualifier}${got}`, {
    subject: h.name,
  });
}
