/**
 * Whether this server may start containers. Running a container is as powerful as the Docker
 * socket itself, so it is on only for a server nobody else can reach (bound to loopback), or
 * when its operator asked for it explicitly and set a token every run request must carry.
 */
export interface RunPolicy {
  allowed: boolean;
  /** Why runs are off. */
  reason: string | null;
  /** When set, run requests carry it (`Authorization: Bearer …`, or `?token=` on the websocket). */
  token: string | null;
}

export interface RunPolicyOptions {
  /** The address the server binds (undefined: not listening yet, the 127.0.0.1 default). */
  host?: string;
  /** The operator's explicit "allow runs on a non-loopback bind" switch. */
  allowRuns?: boolean;
  /** Required with allowRuns on a non-loopback bind. */
  token?: string | null;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(\.\d{1,3}){3})$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host.trim());
}

export function runPolicy({ host, allowRuns = false, token = null }: RunPolicyOptions): RunPolicy {
  if (host === undefined || isLoopback(host)) return { allowed: true, reason: null, token: token || null };
  if (allowRuns && token) return { allowed: true, reason: null, token };
  if (allowRuns) return { allowed: false, reason: `running containers on a server bound to ${host} needs a run token as well`, token: null };
  return {
    allowed: false,
    reason: `the server binds ${host}, not loopback: running containers is off (it would hand the Docker engine to anyone who can reach this port)`,
    token: null,
  };
}
