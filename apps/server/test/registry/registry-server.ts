import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = resolve(import.meta.dirname, '../../../../scripts/registry.sh');

/** What scripts/registry.sh start prints of a registry it started. */
export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  /** The CA's PEM (token mode: TLS), else null. */
  ca: string | null;
  /** A folder holding ca.crt (skopeo --cert-dir), else null. */
  certDir: string | null;
  username: string | null;
  password: string | null;
  /** The registry's own folder (its storage is `data/` below it). */
  dir: string;
  stop(): Promise<void>;
}

/**
 * A private Debian docker-registry (distribution 2.8) from scripts/registry.sh: `open` (plain
 * HTTP, anonymous) or `token` (TLS with a CA made at start, bearer tokens from a token server).
 * `name` keeps it apart from other suites' registries.
 */
export async function startRegistry(name: string, mode: 'open' | 'basic' | 'token' = 'open'): Promise<TestRegistry> {
  const { stdout } = await run('bash', [SCRIPT, 'start', name, mode]);
  const info = JSON.parse(stdout.trim().split('\n').pop()!) as Omit<TestRegistry, 'stop'>;
  return { ...info, stop: async () => void (await run('bash', [SCRIPT, 'stop', name])) };
}

/** skopeo's TLS and credential flags for a registry (`dest` or `src` side, or none for inspect). */
export function skopeoFlags(reg: TestRegistry, side: 'dest-' | 'src-' | '' = ''): string[] {
  const tls = reg.certDir ? [`--${side}cert-dir`, reg.certDir] : [`--${side}tls-verify=false`];
  return reg.username ? [...tls, `--${side}creds`, `${reg.username}:${reg.password}`] : tls;
}

/** Puts an archive into the registry with skopeo (not with the code under test). */
export async function skopeoCopy(reg: TestRegistry, archive: string, ref: string, transport = 'docker-archive', ...flags: string[]): Promise<void> {
  await run('skopeo', ['copy', '--quiet', ...flags, ...skopeoFlags(reg, 'dest-'), `${transport}:${archive}`, `docker://${ref}`], { maxBuffer: 16 * 1024 * 1024 });
}

/** `skopeo inspect [--raw | --config]` of a reference, as JSON. */
export async function skopeoInspect(reg: TestRegistry, ref: string, ...flags: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run('skopeo', ['inspect', ...skopeoFlags(reg), ...flags, `docker://${ref}`], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** The manifest's bytes exactly as the registry serves them (`skopeo inspect --raw`). */
export async function skopeoRaw(reg: TestRegistry, ref: string): Promise<Buffer> {
  const { stdout } = await run('skopeo', ['inspect', ...skopeoFlags(reg), '--raw', `docker://${ref}`], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
