import { Transform, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { EngineError } from '../errors.js';
import { CHECKPOINT_SPAN, primeAtBit, type GzipIndex } from './gzip-index.js';
import { indexWorkerMain } from './index-worker.js';
import { createRawInflater } from './raw-inflate.js';

/** What an IndexingGunzip learnt once its input ended. */
export interface GunzipResult {
  /** sha256 of the output. */
  digest: string;
  index: GzipIndex;
}

/**
 * A gunzip Transform that inflates on a worker thread with native zlib and records a GzipIndex
 * on the way (see index-worker.ts), so a compressed layer can be read later by position
 * without storing its uncompressed copy. The output is hashed on the worker too: `result`
 * (after 'end') holds the digest. Same flow as zlib's streams: a write's callback runs when the
 * worker has used it up; the worker waits for the reader when its output is not taken.
 */
export class IndexingGunzip extends Transform {
  result: GunzipResult | null = null;
  private worker: Worker | null = null;
  private written: TransformCallback | null = null;
  private flushed: TransformCallback | null = null;
  /** The worker is waiting for 'more' until the reader wants output again. */
  private owed = false;
  private readonly jobId = ++jobs;

  /** `span`: output between checkpoints (smaller only in tests, to get many). */
  constructor(private readonly subject: string, private readonly span = CHECKPOINT_SPAN) {
    super({ readableHighWaterMark: 4 * 1024 * 1024 });
  }

  private port(): Worker {
    if (this.worker) return this.worker;
    const w = acquireWorker(this.jobId, this.span);
    w.on('message', this.onMessage);
    w.on('error', this.onWorkerError);
    this.worker = w;
    return w;
  }

  private readonly onMessage = (m: { type: string; id: number; chunks?: Uint8Array[]; consumed?: boolean; message?: string; digest?: string; size?: number; checkpoints?: Array<{ bit: number; out: number; window: Uint8Array }> }) => {
    if (this.destroyed || m.id !== this.jobId) return;
    if (m.type === 'out') {
      let room = true;
      for (const c of m.chunks!) room = this.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
      if (m.consumed) {
        const cb = this.written;
        this.written = null;
        cb?.();
      } else if (room) {
        this.worker?.postMessage({ type: 'more' });
      } else {
        this.owed = true;
      }
    } else if (m.type === 'done') {
      this.result = {
        digest: m.digest!,
        index: { size: m.size!, checkpoints: m.checkpoints!.map((c) => ({ bit: c.bit, out: c.out, window: Buffer.from(c.window.buffer, c.window.byteOffset, c.window.byteLength) })) },
      };
      this.release();
      const cb = this.flushed;
      this.flushed = null;
      cb?.();
    } else if (m.type === 'error') {
      this.fail(new EngineError('DECOMPRESSION_FAILED', `${this.subject} could not be gzip-decompressed: ${m.message} (truncated or corrupt blob?)`, { subject: this.subject }));
    }
  };

  private readonly onWorkerError = (e: Error) => {
    this.worker = null;
    this.fail(e);
  };

  private fail(e: Error): void {
    this.release();
    const cb = this.written ?? this.flushed;
    this.written = null;
    this.flushed = null;
    if (cb) cb(e);
    else this.destroy(e);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.written = callback;
    // Copied (structured clone), so the caller may reuse its buffer once this is called back.
    this.port().postMessage({ type: 'data', bytes: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) });
  }

  override _read(size: number): void {
    if (this.owed) {
      this.owed = false;
      this.worker?.postMessage({ type: 'more' });
    }
    super._read(size);
  }

  override _flush(callback: TransformCallback): void {
    this.flushed = callback;
    this.port().postMessage({ type: 'end' });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.release();
    callback(error);
  }

  private release(): void {
    const w = this.worker;
    if (!w) return;
    this.worker = null;
    w.off('message', this.onMessage);
    w.off('error', this.onWorkerError);
    releaseWorker(w);
  }
}

/** Idle inflate workers, kept for the next blob (starting one costs tens of ms). */
const idle: Worker[] = [];
const MAX_IDLE = 2;

let jobs = 0;

function acquireWorker(id: number, span: number): Worker {
  const w = idle.pop() ?? new Worker(workerSource(), { eval: true });
  w.ref();
  w.postMessage({ type: 'reset', id, span });
  return w;
}

function releaseWorker(w: Worker): void {
  w.postMessage({ type: 'reset' });
  if (idle.length < MAX_IDLE) {
    // An idle worker must not keep the process alive.
    w.unref();
    idle.push(w);
  } else {
    void w.terminate();
  }
}

let source: string | null = null;

/** The worker's program, from the functions' own source (no file to locate next to a bundle). */
function workerSource(): string {
  // __name: what a bundler that keeps function names may call inside the functions' source.
  source ??= `var __name = (f) => f;
const { parentPort } = require('node:worker_threads');
(${indexWorkerMain.toString()})(require('node:zlib'), require('node:crypto'), parentPort, ${createRawInflater.toString()}, ${primeAtBit.toString()});`;
  return source;
}
