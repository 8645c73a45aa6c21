import { StringDecoder } from 'node:string_decoder';

export type StreamName = 'stdout' | 'stderr';

/**
 * Splits the engine's multiplexed attach stream (no TTY): frames of an 8-byte header — stream
 * (1 stdout, 2 stderr), three zero bytes, big-endian length — and that many bytes.
 */
export class Demuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: StreamName, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const kind = this.pending[0];
      const payload = this.pending.subarray(8, 8 + size);
      this.pending = this.pending.subarray(8 + size);
      // 0 is stdin echoed back; only a TTY run would show it.
      if (kind === 1 || kind === 2) this.onFrame(kind === 1 ? 'stdout' : 'stderr', payload);
    }
  }
}

/**
 * A run's output as text, each stream and both together in arrival order, each held to
 * `maxChars` (the first part is kept: that is where the answer usually is).
 */
export class OutputBuffer {
  stdout = '';
  stderr = '';
  output = '';
  truncated = false;
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  constructor(private readonly maxChars = 512 * 1024) {}

  add(stream: StreamName, bytes: Buffer): void {
    const text = this.decoders[stream].write(bytes);
    this.append(stream, text);
  }

  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) this.append(stream, this.decoders[stream].end());
  }

  private append(stream: StreamName, text: string): void {
    if (!text) return;
    const room = Math.max(0, this.maxChars - this.output.length);
    if (text.length > room) this.truncated = true;
    const kept = text.slice(0, room);
    this.output += kept;
    this[stream] += kept;
  }
}
