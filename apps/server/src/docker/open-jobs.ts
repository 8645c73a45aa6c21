import { randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import type { DockerOpenJob, ImageSummary } from '@peel/api';
import type { IngestService } from '../services/ingest.js';
import { BackgroundJobs, type BackgroundJob } from '../services/background-jobs.js';
import type { DockerEngine } from './engine.js';
import { saveImage } from './images.js';

type Opened = { summary: ImageSummary; created: boolean };
export type DockerOpenJobHandle = BackgroundJob<DockerOpenJob, Opened>;

/**
 * Opening an image from Docker is an upload the server makes to itself: `docker save`'s stream
 * goes straight into the same one-pass ingest, through a byte counter that the UI polls for
 * the same progress bar an upload shows (bytes, then "indexing").
 */
export class OpenJobs {
  private readonly jobs: BackgroundJobs<DockerOpenJob, Opened>;

  constructor(
    private readonly engine: DockerEngine,
    private readonly ingest: IngestService,
    logFailure: (err: unknown, message: string) => void,
  ) {
    this.jobs = new BackgroundJobs({
      noun: 'open-from-Docker job',
      maxRunning: 4,
      busyCode: 'TOO_MANY_OPENS',
      busyMessage: (n) => `${n} images are being opened from Docker already; wait for one to finish`,
      cancelledMessage: 'the open from Docker was cancelled',
      succeeded: (view, result) => {
        view.state = 'done';
        view.image = result.summary;
      },
      logInternal: (err, view) => logFailure(err, `opening ${view.ref} from Docker failed`),
    });
  }

  /** Starts a job; resolves once the engine has said how big the image is (or the job failed). */
  async start(ref: string): Promise<DockerOpenJobHandle> {
    const view: DockerOpenJob = { id: randomUUID(), ref, state: 'streaming', loaded: 0, total: null, image: null, error: null };
    let sized = () => {};
    const known = new Promise<void>((resolve) => (sized = resolve));
    const job = this.jobs.start(view, (signal) => this.run(view, signal, sized));
    await Promise.race([known, job.done.catch(() => {})]);
    return job;
  }

  get(id: string): DockerOpenJob {
    return this.jobs.get(id);
  }

  cancel(id: string): DockerOpenJob {
    return this.jobs.cancel(id);
  }

  /** Cancels every job in flight (server shutdown). */
  cancelAll(): Promise<void> {
    return this.jobs.cancelAll();
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
