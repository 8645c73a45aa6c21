import { Worker } from 'node:worker_threads';

/**
 * sha256 of files being written, computed on a worker thread that reads them back from the page
 * cache. A blob's bytes are hashed where the ingest would otherwise do it on the main thread (about
 * 0.9 s of the large benchmark image's 2 GB of stored blobs, its busiest thread). Posting the chunks
 * to a worker copies them on the main thread and costs more than hashing them there; telling it
 * "the first N bytes of this file are written" costs nothing, and it reads them itself.
 */
export interface FileHash {
  /** The first `end` bytes of the file are written (called in order, `end` never decreasing). */
  written(end: number): void;
  /** The digest (hex) of the file's first `size` bytes, once every write up to there is done. */
  digest(size: number): Promise<string>;
  /** Forget the file (it is being deleted). */
  drop(): void;
}

/** Runs as a CommonJS script in the worker (eval), so no separate file to bundle or resolve. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const jobs = new Map();
const buf = Buffer.allocUnsafe(1 << 20);
const close = (job) => { if (job.fd !== null) try { closeSync(job.fd); } catch {} job.fd = null; };
parentPort.on('message', (m) => {
  if (m.op === 'open') { jobs.set(m.id, { path: m.path, fd: null, hash: createHash('sha256'), pos: 0, failed: null }); return; }
  const job = jobs.get(m.id);
  if (!job) return;
  if (m.op === 'drop') { close(job); jobs.delete(m.id); return; }
  if (!job.failed) {
    try {
      // Opened on the first bytes to read: the writer creates the file after asking for the job.
      if (job.pos < m.end && job.fd === null) job.fd = openSync(job.path, 'r');
      while (job.pos < m.end) {
        const n = readSync(job.fd, buf, 0, Math.min(buf.length, m.end - job.pos), job.pos);
        if (n === 0) throw new Error('the file holds ' + job.pos + ' bytes, ' + m.end + ' were written');
        job.hash.update(buf.subarray(0, n));
        job.pos += n;
      }
    } catch (e) {
      job.failed = String((e && e.message) || e);
      close(job);
    }
  }
  if (m.op === 'digest') {
    close(job);
    jobs.delete(m.id);
    parentPort.postMessage(job.failed ? { id: m.id, error: job.failed } : { id: m.id, digest: job.hash.digest('hex') });
  }
});
`;

interface Waiter {
  resolve: (digest: string) => void;
  reject: (e: Error) => void;
}

/**
 * One worker for the process, started on first use; it keeps the process alive only while a
 * digest is awaited, and stops when no file has been open for a moment (its isolate is ~7 MiB
 * that the merge after an upload, the ingest's memory peak, can do without).
 */
class HashWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  /** Files started and neither digested nor dropped. */
  private open = 0;
  private idle: NodeJS.Timeout | null = null;

  start(path: string): FileHash {
    const worker = this.running();
    const id = this.nextId++;
    this.open++;
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    worker.postMessage({ op: 'open', id, path });
    let done = false;
    const finish = () => {
      done = true;
      if (--this.open === 0) this.idle = setTimeout(() => this.stopIfIdle(), IDLE_MS).unref();
    };
    return {
      written: (end) => {
        if (!done) worker.postMessage({ op: 'to', id, end });
      },
      digest: (size) => {
        if (done) return Promise.reject(new Error('the blob was already digested or dropped'));
        const digest = this.worker === worker
          ? new Promise<string>((resolve, reject) => {
              this.waiting.set(id, { resolve, reject });
              worker.ref();
              worker.postMessage({ op: 'digest', id, end: size });
            })
          : Promise.reject(new Error('the hashing thread stopped'));
        return digest.finally(finish);
      },
      drop: () => {
        if (done) return;
        if (this.worker === worker) worker.postMessage({ op: 'drop', id });
        finish();
      },
    };
  }

  private stopIfIdle(): void {
    this.idle = null;
    const worker = this.worker;
    if (!worker || this.open > 0 || this.waiting.size > 0) return;
    this.worker = null;
    void worker.terminate();
  }

  private running(): Worker {
    if (this.worker) return this.worker;
    // It allocates next to nothing (one 1 MiB read buffer): a small heap keeps its footprint small.
    const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 32 } });
    worker.unref();
    worker.on('message', (m: { id: number; digest?: string; error?: string }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) worker.unref();
      if (m.digest) w.resolve(m.digest);
      else w.reject(new Error(`could not hash the stored blob: ${m.error}`));
    });
    const stopped = (e: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', (e) => stopped(new Error(`the hashing thread failed: ${e.message}`)));
    worker.on('exit', (code) => stopped(new Error(`the hashing thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}

/** How long the worker outlives its last file. */
const IDLE_MS = 200;

let shared: HashWorker | null = null;

/** Hashes the file at `path` on the shared worker thread as its writer reports progress. */
export function hashFileInWorker(path: string): FileHash {
  shared ??= new HashWorker();
  return shared.start(path);
}
