/**
 * vitest globalSetup for the registry interop suite: starts the three test registries (open,
 * basic, token over TLS; and basic behind a blob CDN) with scripts/registry.sh, puts the fixture images in each with skopeo
 * (never with the code under test), starts our private dockerd, and stops the registries after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ALL_MODES, SEEDED, fixture, repoRoot, run, runText, skopeoFlags, type Mode, type TestRegistry } from './tools.js';

declare module 'vitest' {
  export interface ProvidedContext {
    registries: Record<Mode, TestRegistry>;
    dockerHost: string;
    scratch: string;
  }
}

const script = path.join(repoRoot, 'scripts/registry.sh');
const registryName = (mode: Mode) => `registry-interop-${mode}`;

async function seed(reg: TestRegistry): Promise<void> {
  const copy = (source: string, dest: string, all = false) =>
    run('skopeo', ['copy', '-q', ...(all ? ['--all'] : []), ...skopeoFlags(reg, 'dest'), source, `docker://${reg.host}/${dest}`]);
  await copy(`docker-archive:${fixture('tiny-docker-legacy.tar')}`, SEEDED.tiny);
  await copy(`oci-archive:${fixture('multi-oci.tar')}`, SEEDED.multi);
  await copy(`oci-archive:${fixture('tiny-multiarch-oci.tar')}`, SEEDED.multiarch, true);
  await copy(`oci-archive:${fixture('tiny-multiarch-v2s2-oci.tar')}`, SEEDED.multiarchV2s2, true);
  await copy(`docker-archive:${fixture('tiny-docker-legacy.tar')}`, SEEDED.publicTiny);
  // A second tag, so that a tag list has more than one entry.
  await run('skopeo', ['copy', '-q', ...skopeoFlags(reg, 'src'), ...skopeoFlags(reg, 'dest'), `docker://${reg.host}/${SEEDED.tiny}`, `docker://${reg.host}/test/tiny:v2`]);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Scratch folders of the tests (layouts skopeo writes, Docker configs), gone after the run.
  const scratchRoot = mkdtempSync(path.join(os.tmpdir(), 'peel-registry-interop-'));
  const registries = {} as Record<Mode, TestRegistry>;
  for (const mode of ALL_MODES) {
    // A fresh registry each run: the push tests start from what skopeo put there, nothing else.
    await run('bash', [script, 'stop', registryName(mode)]);
    const out = await runText('bash', [script, 'start', registryName(mode), mode]);
    registries[mode] = JSON.parse(out.trim().split('\n').pop()!) as TestRegistry;
  }
  await Promise.all(ALL_MODES.map((mode) => seed(registries[mode])));
  const dockerHost = (await runText('bash', [path.join(repoRoot, 'scripts/dockerd.sh'), 'start'])).trim().split('\n').pop() ?? '';
  if (!dockerHost.startsWith('unix://')) throw new Error(`scripts/dockerd.sh start printed no DOCKER_HOST (got ${JSON.stringify(dockerHost)})`);
  project.provide('registries', registries);
  project.provide('dockerHost', dockerHost);
  project.provide('scratch', scratchRoot);
  return async () => {
    for (const mode of ALL_MODES) await run('bash', [script, 'stop', registryName(mode)]);
    rmSync(scratchRoot, { recursive: true, force: true });
  };
}
