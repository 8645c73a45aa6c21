/**
 * vitest globalSetup: starts (or reuses) the repository's private dockerd through
 * scripts/dockerd.sh and hands its DOCKER_HOST to the tests. The daemon is left running (the
 * script reuses a live one; scripts/test.sh starts it before the unit tests anyway).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
  }
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export default function setup(project: TestProject): void {
  const out = execFileSync('bash', [path.join(repoRoot, 'scripts/dockerd.sh'), 'start'], { cwd: repoRoot, encoding: 'utf8' });
  const dockerHost = out.trim().split('\n').pop() ?? '';
  if (!dockerHost.startsWith('unix://')) throw new Error(`scripts/dockerd.sh start printed no DOCKER_HOST (got ${JSON.stringify(out)})`);
  project.provide('dockerHost', dockerHost);
}
