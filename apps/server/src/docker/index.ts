import type { IngestService } from '../services/ingest.js';
import { DockerEngine } from './engine.js';
import { OpenJobs } from './open-jobs.js';
import { DEFAULT_RUN_LIMITS, type RunLimits } from './run-limits.js';
import { runPolicy, type RunPolicy } from './run-policy.js';
import { DockerRuns } from './runs.js';

/** How the server reaches Docker, and whether it may run containers (see run-policy.ts). */
export interface DockerOptions {
  /** DOCKER_HOST (`unix:///…` or `tcp://…`); /var/run/docker.sock when unset. */
  dockerHost?: string;
  /** DOCKER_TLS_VERIFY: TLS is not spoken, so a set value makes the engine unavailable with that reason. */
  tlsVerify?: string;
  /** Allow runs although the server listens beyond loopback (PEEL_DOCKER_RUNS=1; see run-policy.ts). */
  allowRuns?: boolean;
  limits?: Partial<RunLimits>;
}

export interface DockerContext {
  engine: DockerEngine;
  policy: RunPolicy;
  opens: OpenJobs;
  runs: DockerRuns;
  /** Cancels opens and stops containers (server shutdown). */
  close(): Promise<void>;
}

/** `logFailure`: where an open's failure that is Peel's own fault (a 5xx) is logged. */
export function createDocker(opts: DockerOptions & { host?: string }, ingest: IngestService, logFailure: (err: unknown, message: string) => void): DockerContext {
  const engine = new DockerEngine({ dockerHost: opts.dockerHost, tlsVerify: opts.tlsVerify });
  const policy = runPolicy({ host: opts.host, allowRuns: opts.allowRuns });
  const opens = new OpenJobs(engine, ingest, logFailure);
  const runs = new DockerRuns(engine, policy, { ...DEFAULT_RUN_LIMITS, ...opts.limits });
  return {
    engine,
    policy,
    opens,
    runs,
    close: async () => {
      await Promise.allSettled([opens.cancelAll(), runs.stopAll()]);
    },
  };
}

export type { RunLimits } from './run-limits.js';
