import type { DockerRun } from '@peel/api';
import type { BadgeTone } from '../../components/Badge.js';

const TONE: Record<DockerRun['state'], BadgeTone> = { created: 'neutral', running: 'accent', exited: 'added', stopped: 'warning', failed: 'deleted' };

/**
 * The badge of a run's state. A command that exited non-zero failed, whatever Docker calls the
 * state: it looks like a failure and carries its code, so `exit 3` never reads as success.
 */
export function runBadge(run: Pick<DockerRun, 'state' | 'exitCode'>): { tone: BadgeTone; label: string; title: string } {
  if (run.state === 'exited' && run.exitCode !== null && run.exitCode !== 0) {
    return { tone: 'deleted', label: `failed: exit ${run.exitCode}`, title: `The command exited with code ${run.exitCode} (non-zero: it failed)` };
  }
  if (run.state === 'exited') return { tone: TONE.exited, label: 'exited', title: 'The command exited with code 0 (success)' };
  return { tone: TONE[run.state], label: run.state, title: `The run is ${run.state}` };
}
