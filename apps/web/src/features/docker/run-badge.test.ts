import { describe, expect, it } from 'vitest';
import { runBadge } from './run-badge.js';

describe('runBadge', () => {
  it('a non-zero exit looks failed and carries its code; exit 0 looks done', () => {
    expect(runBadge({ state: 'exited', exitCode: 3 })).toMatchObject({ tone: 'deleted', label: 'failed: exit 3' });
    expect(runBadge({ state: 'exited', exitCode: 0 })).toMatchObject({ tone: 'added', label: 'exited' });
    expect(runBadge({ state: 'stopped', exitCode: 137 })).toMatchObject({ tone: 'warning', label: 'stopped' });
    expect(runBadge({ state: 'running', exitCode: null })).toMatchObject({ tone: 'accent', label: 'running' });
  });
});
