import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { DockerRun, DockerRunRequest } from '@peel/api';
import { ApiError, notFound } from '../errors.js';
import { readText, type DockerClient } from './client.js';
import type { DockerEngine } from './engine.js';
import { DockerRunsDisabledError } from './errors.js';
import { containerSpec, type RunLimits } from './run-limits.js';
import { Demuxer, OutputBuffer } from './run-output.js';
import type { RunPolicy } from './run-policy.js';

interface Run {
  view: DockerRun;
  output: OutputBuffer;
  timer: NodeJS.Timeout | null;
  attached: boolean;
  /** Why Peel stopped it, if it did (the run then ends 'stopped'). */
  stoppedBy: string | null;
  /** Resolves once the run has ended and its output is complete. */
  finished: Promise<void>;
  markFinished: () => void;
}

/** A TTY run's terminal: the raw stream, resizing, and the end of the run. */
export interface Attachment {
  stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  finished: Promise<DockerRun>;
  /** The terminal went away: the container is stopped (and removed). */
  detach(): Promise<void>;
}

const KEEP_MS = 10 * 60 * 1000;

/**
 * Containers started from Peel. Output of a plain run is collected from an attach opened before
 * the start (so nothing is missed); a TTY run starts when its terminal attaches. Every run ends
 * removed: it exits, a person stops it, its terminal closes, or the wall-clock limit hits.
 */
export class DockerRuns {
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly engine: DockerEngine,
    private readonly policy: RunPolicy,
    readonly limits: RunLimits,
  ) {}

  async create(req: DockerRunRequest): Promise<DockerRun> {
    if (!this.policy.allowed) throw new DockerRunsDisabledError(this.policy.reason ?? 'running containers is off');
    const alive = [...this.runs.values()].filter((r) => r.view.state === 'created' || r.view.state === 'running').length;
    if (alive >= this.limits.maxRunning) throw new ApiError(429, 'TOO_MANY_RUNS', `${alive} containers are running from Peel already (the limit); stop one first`);
    const docker = await this.engine.client();
    const id = randomUUID();
    const tty = req.tty === true;
    const created = await docker.json<{ Id: string }>({ method: 'POST', path: '/containers/create', json: containerSpec({ ...req, tty }, this.limits, id) });
    let markFinished = () => {};
    const finished = new Promise<void>((resolve) => (markFinished = resolve));
    const run: Run = {
      view: {
        id, containerId: created.Id, ref: req.ref, tty, state: 'created', exitCode: null, output: '', stdout: '', stderr: '', truncated: false, error: null,
        startedAt: null, finishedAt: null, limits: { memoryBytes: this.limits.memoryBytes, pids: this.limits.pids, seconds: tty ? this.limits.ttySeconds : this.limits.seconds },
      },
      output: new OutputBuffer(), timer: null, attached: false, stoppedBy: null, finished, markFinished,
    };
    this.runs.set(id, run);
    void finished.then(() => setTimeout(() => this.runs.delete(id), KEEP_MS).unref());
    if (tty) {
      run.timer = setTimeout(() => void this.stop(id, `no terminal attached within ${this.limits.attachWaitSeconds} s`), this.limits.attachWaitSeconds * 1000).unref();
      return this.get(id);
    }
    try {
      const stream = await this.start(run, docker);
      const demux = new Demuxer((name, bytes) => run.output.add(name, bytes));
      stream.on('data', (chunk: Buffer) => demux.push(chunk));
    } catch (err) {
      await this.remove(docker, run, (err as Error).message);
      throw err;
    }
    return this.get(id);
  }

  get(id: string): DockerRun {
    const run = this.find(id);
    const { output } = run;
    return { ...run.view, output: output.output, stdout: output.stdout, stderr: output.stderr, truncated: output.truncated };
  }

  /** Connects a terminal to a TTY run and starts it. One terminal per run. */
  async attach(id: string): Promise<Attachment> {
    const run = this.find(id);
    if (!run.view.tty) throw new ApiError(409, 'NOT_A_TTY_RUN', 'this run has no TTY: read its output with GET /api/docker/runs/:id');
    if (run.attached || run.view.state !== 'created') throw new ApiError(409, 'ALREADY_ATTACHED', `this run is ${run.attached ? 'attached to another terminal' : run.view.state}`);
    run.attached = true;
    if (run.timer) clearTimeout(run.timer);
    const docker = await this.engine.client();
    let stream: Duplex;
    try {
      stream = await this.start(run, docker);
    } catch (err) {
      await this.remove(docker, run, (err as Error).message);
      throw err;
    }
    return {
      stream,
      resize: (cols, rows) => docker.call({ method: 'POST', path: `/containers/${run.view.containerId}/resize`, query: { h: rows, w: cols } }),
      finished: run.finished.then(() => this.get(id)),
      detach: async () => {
        if (run.view.state === 'running') await this.stop(id, 'the terminal was closed');
      },
    };
  }

  /** Stops a run (DELETE, a closed terminal, the time limit); resolves once it has ended. */
  async stop(id: string, why = 'stopped by a person'): Promise<DockerRun> {
    const run = this.find(id);
    if (run.view.state !== 'created' && run.view.state !== 'running') return this.get(id);
    run.stoppedBy ??= why;
    const docker = await this.engine.client();
    if (run.view.state === 'created' && !run.attached) {
      await this.remove(docker, run, null);
      return this.get(id);
    }
    await ignoreGone(docker.call({ method: 'POST', path: `/containers/${run.view.containerId}/kill` }));
    await Promise.race([run.finished, new Promise((r) => setTimeout(r, 10_000).unref())]);
    return this.get(id);
  }

  /** Stops every live run (server shutdown): no container outlives the server that started it. */
  async stopAll(): Promise<void> {
    const live = [...this.runs.values()].filter((r) => r.view.state === 'created' || r.view.state === 'running');
    await Promise.allSettled(live.map((r) => this.stop(r.view.id, 'the server stopped')));
  }

  private find(id: string): Run {
    const run = this.runs.get(id);
    if (!run) throw notFound(`no run ${id}`);
    return run;
  }

  /**
   * Attach, then the wait, then start: the engine answers the first two only once they are in
   * place, so neither the first byte of output nor the exit can be missed.
   */
  private async start(run: Run, docker: DockerClient): Promise<Duplex> {
    const cid = run.view.containerId;
    const stream = await docker.upgrade({
      method: 'POST', path: `/containers/${cid}/attach`, query: { stream: true, stdin: run.view.tty, stdout: true, stderr: true },
    });
    const wait = await docker.request({ method: 'POST', path: `/containers/${cid}/wait`, query: { condition: 'next-exit' } });
    const exited = readText(wait, 64 * 1024).then((text) => JSON.parse(text) as { StatusCode: number; Error?: { Message?: string } | null });
    const streamEnded = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
    });
    await docker.call({ method: 'POST', path: `/containers/${cid}/start` });
    run.view.state = 'running';
    run.view.startedAt = new Date().toISOString();
    const seconds = run.view.limits.seconds;
    run.timer = setTimeout(() => void this.stop(run.view.id, `stopped after ${seconds} s (the wall-clock limit)`), seconds * 1000).unref();
    void Promise.all([exited, streamEnded]).then(
      ([status]) => this.finish(run, status.StatusCode, status.Error?.Message ?? null),
      (err: unknown) => this.finish(run, null, (err as Error).message),
    );
    return stream;
  }

  private finish(run: Run, exitCode: number | null, error: string | null): void {
    if (run.timer) clearTimeout(run.timer);
    run.output.end();
    run.view.exitCode = exitCode;
    run.view.state = run.stoppedBy ? 'stopped' : exitCode === null ? 'failed' : 'exited';
    run.view.error = run.stoppedBy ?? (error || null);
    run.view.finishedAt = new Date().toISOString();
    run.markFinished();
  }

  /** Removes a container that never ran (or failed to start). */
  private async remove(docker: DockerClient, run: Run, error: string | null): Promise<void> {
    await ignoreGone(docker.call({ method: 'DELETE', path: `/containers/${run.view.containerId}`, query: { force: true } }));
    this.finish(run, null, error);
  }
}

/** A container that is already gone (404) or not running (409) is what stopping wanted. */
async function ignoreGone(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    const status = (err as { engineStatus?: number }).engineStatus;
    if (status !== 404 && status !== 409) throw err;
  }
}
