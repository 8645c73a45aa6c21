import { hostname } from 'node:os';
import type { LeftoverRow } from './rows.js';
import type { IngestOwner } from './types.js';

/** The owners this process has opened and not closed yet (one per running app), by start time. */
const open = new Set<string>();
let last = 0;

/** A new owner for the ingests of one app in this process (closed with the app). */
export function openOwner(): IngestOwner {
  // Distinct start times, so that two apps of one process (tests) are told apart.
  last = Math.max(last + 1, Date.now());
  const owner = { pid: process.pid, host: hostname(), started: new Date(last).toISOString() };
  open.add(owner.started);
  return owner;
}

export function closeOwner(owner: IngestOwner): void {
  open.delete(owner.started);
}

/**
 * Whether a pending image's writer still runs: an open owner of this process, or another live
 * process on this host. Another machine's process cannot be asked (its heartbeat tells instead).
 */
export function ownerAlive(owner: IngestOwner): boolean {
  if (owner.host === hostname() && owner.pid === process.pid) return open.has(owner.started);
  return processRuns(owner.pid, owner.host);
}

/** Whether process `pid` of `host` still runs. Another machine's process cannot be asked: it counts as running. */
export function processRuns(pid: number, host: string): boolean {
  if (host !== hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a cleanup removes an image that is not ready: one being deleted always (a delete is
 * redone from the start), a pending one when its writer is unknown or gone, or its heartbeat is
 * older than `staleMs`.
 */
export function isLeftOver(r: LeftoverRow, staleMs: number): boolean {
  if (r.state !== 'pending' || r.owner_pid === null || r.owner_host === null) return true;
  const beat = r.heartbeat_at === null ? 0 : Date.parse(r.heartbeat_at);
  return !ownerAlive({ pid: r.owner_pid, host: r.owner_host, started: r.owner_started ?? '' }) || Date.now() - beat >= staleMs;
}
