/**
 * vitest globalSetup for the interop suite: starts (or reuses) our private dockerd with the
 * overlay2 driver via scripts/dockerd.sh and hands its DOCKER_HOST to the tests. The daemon is
 * left running afterwards: starting it is the slow part, and the script reuses a live one.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { runText } from './exec.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
  }
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export default async function setup(project: TestProject): Promise<void> {
  const out = await runText('bash', [path.join(repoRoot, 'scripts/dockerd.sh'), 'start'], { cwd: repoRoot });
  const dockerHost = out.trim().split('\n').pop() ?? '';
  if (!dockerHost.startsWith('unix://')) {
    throw new Error(`scripts/dockerd.sh start printed no DOCKER_HOST (got ${JSON.stringify(out)})`);
  }
  const driver = (await runText('docker', ['info', '--format', '{{.Driver}}'], { env: { DOCKER_HOST: dockerHost } })).trim();
  if (driver !== 'overlay2') {
    // The opaque-directory case only exists on overlay2 (vfs diffs file by file).
    throw new Error(`the interop dockerd at ${dockerHost} uses storage driver ${driver}; overlay2 is needed`);
  }
  process.env.DOCKER_HOST = dockerHost;
  project.provide('dockerHost', dockerHost);
}
