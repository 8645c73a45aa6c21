import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors.js';
import { BackgroundJobs, type JobView } from '../src/services/background-jobs.js';

interface View extends JobView {
  state: 'running' | 'done' | 'failed' | 'cancelled';
  result: number | null;
}

function jobs(logged: unknown[] = []) {
  return new BackgroundJobs<View, number>({
    noun: 'test job',
    maxRunning: 2,
    busyCode: 'TOO_MANY_TESTS',
    busyMessage: (n) => `${n} running`,
    cancelledMessage: 'the test was cancelled',
    succeeded: (view, result) => {
      view.state = 'done';
      view.result = result;
    },
    logInternal: (err) => logged.push(err),
  });
}

const view = (id: string): View => ({ id, state: 'running', error: null, result: null });
const untilAborted = (signal: AbortSignal) => new Promise<number>((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }));

describe('BackgroundJobs', () => {
  it('runs a job to its success state, kept for a late poll', async () => {
    const j = jobs();
    const job = j.start(view('a'), async () => 42);
    await expect(job.done).resolves.toBe(42);
    expect(j.get('a')).toMatchObject({ state: 'done', result: 42, error: null });
  });

  it('refuses one more than maxRunning with 429, and takes one again when a job finishes', async () => {
    const j = jobs();
    const first = j.start(view('a'), untilAborted);
    j.start(view('b'), untilAborted);
    expect(() => j.start(view('c'), async () => 1)).toThrow(expect.objectContaining({ status: 429, code: 'TOO_MANY_TESTS' }));
    j.cancel('a');
    await first.done.catch(() => {});
    await new Promise((r) => setImmediate(r));
    expect(j.start(view('c'), async () => 1).view.id).toBe('c');
    await j.cancelAll();
  });

  it('a cancelled job says cancelled; a failed one says why; a fault of its own is logged', async () => {
    const logged: unknown[] = [];
    const j = jobs(logged);
    const cancelled = j.start(view('a'), untilAborted);
    expect(j.cancel('a').id).toBe('a');
    await expect(cancelled.done).rejects.toThrow('stopped');
    expect(j.get('a')).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED', message: 'the test was cancelled' } });

    const refused = j.start(view('b'), async () => {
      throw new ApiError(400, 'BAD_THING', 'the thing was bad');
    });
    await refused.done.catch(() => {});
    expect(j.get('b')).toMatchObject({ state: 'failed', error: { code: 'BAD_THING', message: 'the thing was bad' } });
    expect(logged).toEqual([]);

    const bug = new TypeError('x is undefined');
    const broken = j.start(view('c'), async () => {
      throw bug;
    });
    await broken.done.catch(() => {});
    expect(j.get('c')).toMatchObject({ state: 'failed', error: { code: 'INTERNAL' } });
    expect(logged).toEqual([bug]);
  });

  it('an unknown job is 404', () => {
    expect(() => jobs().get('nope')).toThrow(expect.objectContaining({ status: 404 }));
  });
});
