/**
 * The real tools of the registry interop suite (scripts/registry.sh, skopeo, docker), run with
 * execFile (no shell), and what the test registries are: the JSON registry.sh prints.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import type { RegistryClientOptions } from '../../src/index.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const fixture = (name: string) => path.join(repoRoot, 'fixtures', name);

export type Mode = 'open' | 'basic' | 'token' | 'cdn';
/** The three auth modes every read and push test runs against. */
export const MODES = ['open', 'basic', 'token'] as const satisfies readonly Mode[];
/** Every registry the suite starts: the auth modes, plus basic auth whose blobs are served by a "CDN" (a 307 to another port). */
export const ALL_MODES: readonly Mode[] = [...MODES, 'cdn'];

/** What scripts/registry.sh start prints. */
export interface TestRegistry {
  name: string;
  mode: Mode;
  host: string;
  url: string;
  tls: boolean;
  ca: string | null;
  certDir: string | null;
  username: string | null;
  password: string | null;
  identityToken: string | null;
  tokenUrl: string | null;
  cdnUrl: string | null;
  dir: string;
}

export function run(cmd: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr.toString('utf8').trim() || error.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}
export const runText = async (cmd: string, args: string[], env: Record<string, string> = {}) => (await run(cmd, args, env)).toString('utf8');

/** A fresh folder inside the run's scratch folder (global-setup makes it and removes it after the run). */
export function scratch(prefix: string): string {
  return mkdtempSync(path.join(inject('scratch'), `${prefix}-`));
}

/** `docker login` into a fresh config folder: the Docker config a user of this registry would have. */
export async function dockerLogin(reg: TestRegistry, dockerHost: string): Promise<string> {
  const dir = scratch('docker-config');
  await run('docker', ['--config', dir, 'login', reg.host, '-u', reg.username!, '--password-stdin'], { DOCKER_HOST: dockerHost }, `${reg.password}\n`);
  return dir;
}

/** skopeo's flags to reach a test registry: TLS trust (or plain HTTP) and credentials. */
export function skopeoFlags(reg: TestRegistry, direction: 'src' | 'dest' | 'plain', creds = true): string[] {
  const p = direction === 'plain' ? '' : `${direction}-`;
  const tls = reg.certDir ? [`--${p}cert-dir`, reg.certDir] : [`--${p}tls-verify=false`];
  return creds && reg.username ? [...tls, `--${p}creds`, `${reg.username}:${reg.password}`] : tls;
}

/** The client options a user of this registry would give: its CA, its credentials. */
export function clientOptions(reg: TestRegistry, extra: RegistryClientOptions = {}): RegistryClientOptions {
  return {
    ca: reg.ca ? readFileSync(reg.ca) : undefined,
    credentials: (registry) => (registry === reg.host && reg.username && reg.password ? { username: reg.username, password: reg.password } : null),
    ...extra,
  };
}

/** What every registry holds: repository:tag ← skopeo source (with --all for indexes). */
export const SEEDED = {
  tiny: 'test/tiny:v1', // Docker v2s2 manifest (from a docker save archive)
  multi: 'test/multi:v1', // OCI manifest, 13 gzip layers
  multiarch: 'test/multiarch:v1', // OCI index: linux/amd64 + linux/arm64
  multiarchV2s2: 'test/multiarch-v2s2:v1', // Docker manifest list
  publicTiny: 'public/tiny:v1', // anonymous pull allowed by the token server
} as const;
