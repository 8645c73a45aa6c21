import { isLoopback } from '../http/bind-policy.js';

/**
 * Whether this server may start containers. Running a container is as powerful as the Docker
 * socket itself, so it is on for a server nobody else can reach (bound to loopback), and beyond
 * loopback only when the operator also switches it on (PEEL_DOCKER_RUNS=1). Such a server
 * listens only with PEEL_EXPOSE=1 and a PEEL_TOKEN every request carries (http/bind-policy.ts,
 * http/access-token.ts), so a run request is always from someone holding that token.
 */
export interface RunPolicy {
  allowed: boolean;
  /** Why runs are off. */
  reason: string | null;
}

export interface RunPolicyOptions {
  /** The address the server binds (undefined: not listening yet, the 127.0.0.1 default). */
  host?: string;
  /** The operator's explicit "allow runs on an exposed server" switch. */
  allowRuns?: boolean;
}

export function runPolicy({ host, allowRuns = false }: RunPolicyOptions): RunPolicy {
  if (host === undefined || isLoopback(host) || allowRuns) return { allowed: true, reason: null };
  return {
    allowed: false,
    reason: `the server listens on ${host}, beyond loopback: running containers is off (it hands out the Docker engine); PEEL_DOCKER_RUNS=1 turns it on`,
  };
}
