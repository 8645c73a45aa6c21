import { randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import type { DockerOpenJob, ImageSummary } from '@peel/api';
import type { IngestService } from '../services/ingest.js';
import { describeError } from '../http/error-handler.js';
import { ApiError, notFound } from '../errors.js';
import type { DockerEngine } from './engine.js';
import { saveImage } from './images.js';

interface Job {
  view: DockerOpenJob;
  abort: AbortController;
  /** Settles with the stored image (and whether it was new), or rejects with the failure. */
  done: Promise<{ summary: ImageSummary; created: boolean }>;
}

/** Finished jobs are kept this long for a late poll, then forgotten. */
const KEEP_MS = 10 * 60 * 1000;
const MAX_RUNNING = 4;

/**
 * Opening an image from Docker is an upload the server makes to itself: `docker save`'s stream
 * goes straight into the same one-pass ingest, through a byte counter that the UI polls for
 * the same progress bar an upload shows (bytes, then "indexing").
 */
export class OpenJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly engine: DockerEngine,
    private readonly ingest: IngestService,
  ) {}

  /** Starts a job; resolves once the engine has said how big the image is (or the job failed). */
  async start(ref: string): Promise<Job> {
    const running = [...this.jobs.values()].filter((j) => j.view.state === 'streaming' || j.view.state === 'indexing').length;
    if (running >= MAX_RUNNING) throw new ApiError(429, 'TOO_MANY_OPENS', `${running} images are being opened from Docker already; wait for one to finish`);
    const abort = new AbortController();
    const view: DockerOpenJob = { id: randomUUID(), ref, state: 'streaming', loaded: 0, total: null, image: null, error: null };
    let sized = () => {};
    const known = new Promise<void>((resolve) => (sized = resolve));
    const done = this.run(view, abort.signal, sized).then(
      (result) => {
        view.state = 'done';
        view.image = result.summary;
        return result;
      },
      (err: unknown) => {
        view.state = abort.signal.aborted ? 'cancelled' : 'failed';
        view.error = describeError(err).body.error;
        throw err;
      },
    );
    // A background job's failure is read from its view; only a waiting caller gets the rejection.
    done.catch(() => {}).finally(() => setTimeout(() => this.jobs.delete(view.id), KEEP_MS).unref());
    const job = { view, abort, done };
    this.jobs.set(view.id, job);
    await Promise.race([known, done.catch(() => {})]);
    return job;
  }

  get(id: string): DockerOpenJob {
    const job = this.jobs.get(id);
    if (!job) throw notFound(`no open-from-Docker job ${id}`);
    return job.view;
  }

  cancel(id: string): DockerOpenJob {
    const job = this.jobs.get(id);
    if (!job) throw notFound(`no open-from-Docker job ${id}`);
    job.abort.abort();
    return job.view;
  }

  /** Cancels every job in flight (server shutdown). */
  cancelAll(): Promise<unknown> {
    for (const job of this.jobs.values()) job.abort.abort();
    return Promise.allSettled([...this.jobs.values()].map((j) => j.done));
  }

  private async run(view: DockerOpenJob, signal: AbortSignal, sized: () => void): Promise<{ summary: ImageSummary; created: boolean }> {
    const docker = await this.engine.client();
    const saved = await saveImage(docker, view.ref, signal);
    view.total = saved.size;
    sized();
    const counter = new Transform({
      transform(chunk: Buffer, _enc, callback) {
        view.loaded += chunk.length;
        callback(null, chunk);
      },
      flush(callback) {
        view.state = 'indexing';
        callback();
      },
    });
    saved.body.on('error', (err) => counter.destroy(err));
    saved.body.pipe(counter);
    try {
      return await this.ingest.ingest({ body: counter, name: saved.name, signal });
    } finally {
      saved.body.destroy();
    }
  }
}
