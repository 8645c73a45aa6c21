import { describeError } from '../http/error-handler.js';
import { ApiError, notFound } from '../errors.js';

/** What every job's view has: the API's open and push jobs all carry these. */
export interface JobView {
  id: string;
  state: string;
  error: { code: string; message: string } | null;
}

export interface BackgroundJob<View extends JobView, Result> {
  view: View;
  abort: AbortController;
  /** Settles with the run's result, or rejects with its failure (the view says it either way). */
  done: Promise<Result>;
}

export interface BackgroundJobsOptions<View extends JobView, Result> {
  /** How a job is named in errors: "open-from-Docker job". */
  noun: string;
  /** Jobs running at once; one more is refused with 429 and `busyCode`. */
  maxRunning: number;
  busyCode: string;
  /** The 429's message, given how many run. */
  busyMessage: (running: number) => string;
  /** A cancelled job's error message: "the push was cancelled". */
  cancelledMessage: string;
  /** Sets the view's finished state from the result. */
  succeeded: (view: View, result: Result) => void;
  /** The failure as the API tells it (e.g. a registry's error mapped to its status). */
  toApiError?: (err: unknown) => unknown;
  /** A fault of Peel's own: the view says "see the server log", so the log must have it. */
  logInternal: (err: unknown, view: View) => void;
}

/** Finished jobs are kept this long for a late poll, then forgotten. */
const KEEP_MS = 10 * 60 * 1000;

/**
 * Jobs the server runs for a client that polls them (opens from Docker or a registry, pushes):
 * a bounded number at once, each cancellable, its view kept for a while after it finished.
 * A job type supplies its view and its run; the states `failed` and `cancelled` and the error
 * are set here, the success state by `succeeded`.
 */
export class BackgroundJobs<View extends JobView, Result> {
  private readonly jobs = new Map<string, BackgroundJob<View, Result> & { finished: boolean }>();

  constructor(private readonly o: BackgroundJobsOptions<View, Result>) {}

  /** Starts `run` in the background (refused with 429 when `maxRunning` jobs run). */
  start(view: View, run: (signal: AbortSignal) => Promise<Result>): BackgroundJob<View, Result> {
    const running = [...this.jobs.values()].filter((j) => !j.finished).length;
    if (running >= this.o.maxRunning) throw new ApiError(429, this.o.busyCode, this.o.busyMessage(running));
    const abort = new AbortController();
    const done = run(abort.signal).then(
      (result) => {
        this.o.succeeded(view, result);
        return result;
      },
      (err: unknown) => {
        // Every job's states include these two: set through the common shape.
        const v: JobView = view;
        if (abort.signal.aborted) {
          v.state = 'cancelled';
          v.error = { code: 'CANCELLED', message: this.o.cancelledMessage };
        } else {
          v.state = 'failed';
          v.error = describeError(this.o.toApiError ? this.o.toApiError(err) : err).body.error;
          if (v.error.code === 'INTERNAL') this.o.logInternal(err, view);
        }
        throw err;
      },
    );
    const job = { view, abort, done, finished: false };
    // A background job's failure is read from its view; only a waiting caller gets the rejection.
    done.catch(() => {}).finally(() => {
      job.finished = true;
      setTimeout(() => this.jobs.delete(view.id), KEEP_MS).unref();
    });
    this.jobs.set(view.id, job);
    return job;
  }

  get(id: string): View {
    return this.job(id).view;
  }

  cancel(id: string): View {
    const job = this.job(id);
    job.abort.abort();
    return job.view;
  }

  /** Cancels every job in flight and waits for them (server shutdown). */
  async cancelAll(): Promise<void> {
    for (const job of this.jobs.values()) job.abort.abort();
    await Promise.allSettled([...this.jobs.values()].map((j) => j.done));
  }

  /** The job itself (404 when unknown or forgotten): its view, abort and outcome. */
  job(id: string): BackgroundJob<View, Result> {
    const job = this.jobs.get(id);
    if (!job) throw notFound(`no ${this.o.noun} ${id}`);
    return job;
  }
}
