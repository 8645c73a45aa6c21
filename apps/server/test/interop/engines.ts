/**
 * The other engines people load images into, each started privately by its script (beside any
 * other instance on the machine): podman, rootful with its own storage and configuration
 * (scripts/podman.sh), and containerd with its own root, state and socket (scripts/containerd.sh),
 * driven with `ctr`. Containers get no network in either.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, runText, type RunOptions } from '../../../../packages/engine/test/interop/exec.js';
import { listTar, tarFileDigests } from '../../../../packages/engine/test/interop/gnu-tar.js';
import { listingFromTar, type FsListing } from '../../../../packages/engine/test/interop/fs-listing.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Environment assignments a start script printed as `A=x B=y`. */
function parseEnv(line: string): Record<string, string> {
  return Object.fromEntries(line.trim().split(/\s+/).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

/** A podman CLI bound to the private storage and configuration of scripts/podman.sh. */
export async function startPodman() {
  const out = (await runText('bash', [path.join(REPO, 'scripts/podman.sh'), 'start'], { cwd: REPO })).trim().split('\n').pop() ?? '';
  const env = parseEnv(out);
  if (!env.CONTAINERS_CONF || !env.CONTAINERS_STORAGE_CONF) throw new Error(`scripts/podman.sh start printed no configuration (got ${JSON.stringify(out)})`);
  return {
    run: (args: string[], options: RunOptions = {}) => run('podman', args, { ...options, env: { ...env, ...options.env } }),
    text: (args: string[], options: RunOptions = {}) => runText('podman', args, { ...options, env: { ...env, ...options.env } }),
  };
}
export type PodmanCli = Awaited<ReturnType<typeof startPodman>>;

/** A `ctr` bound to the private containerd of scripts/containerd.sh, in one namespace. */
export async function startContainerd(namespace: string) {
  const address = (await runText('bash', [path.join(REPO, 'scripts/containerd.sh'), 'start'], { cwd: REPO })).trim().split('\n').pop() ?? '';
  if (!address.startsWith('/')) throw new Error(`scripts/containerd.sh start printed no socket path (got ${JSON.stringify(address)})`);
  const env = { CONTAINERD_ADDRESS: address, CONTAINERD_NAMESPACE: namespace };
  return {
    run: (args: string[], options: RunOptions = {}) => run('ctr', args, { ...options, env: { ...env, ...options.env } }),
    text: (args: string[], options: RunOptions = {}) => runText('ctr', args, { ...options, env: { ...env, ...options.env } }),
  };
}
export type CtrCli = Awaited<ReturnType<typeof startContainerd>>;

/**
 * Runs a short-lived container until its output is `expected`, at most `tries` times, and returns
 * the last output. `ctr run` can lose the tail of a container's output when the process exits
 * right after writing (its copy of the task's stdio races the exit), which shows as a strict
 * prefix of what was written; anything else, or the same short output every time, is returned
 * for the caller's assertion to fail on.
 */
export async function runWhole(runOnce: () => Promise<Buffer>, expected: string, tries = 3): Promise<string> {
  let output = '';
  for (let attempt = 1; attempt <= tries; attempt++) {
    output = (await runOnce()).toString();
    if (output === expected || !expected.startsWith(output)) return output;
  }
  return output;
}

/** podman's view: `podman export` of a created (never started) container, listed by GNU tar. */
export async function podmanListing(podman: PodmanCli, tag: string, file: string): Promise<FsListing> {
  const id = (await podman.text(['create', tag])).trim();
  try {
    await podman.run(['export', '-o', file, id]);
  } finally {
    await podman.run(['rm', '--force', id]);
  }
  return listingFromTar(await listTar(file), await tarFileDigests(file));
}
