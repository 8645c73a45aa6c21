/**
 * Credentials from the Docker CLI's config (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`): `auths[host].auth` (base64 user:pass), `username`/`password`, or
 * `identitytoken`. Credential helpers (`credsStore`, `credHelpers`) are not run. Nothing read
 * here is ever put in a message.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Credentials } from './types.js';
import { RegistryError } from './errors.js';
import { normalizeRegistry } from './reference.js';

export interface DockerConfigOptions {
  /** Default: process.env (DOCKER_CONFIG, HOME). */
  env?: NodeJS.ProcessEnv;
}

/** Where the Docker config lives for this environment. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
  return path.join(dir, 'config.json');
}

/** `https://index.docker.io/v1/`, `http://host:5000/v2/`, `host:5000` → the registry host. */
function keyHost(key: string): string {
  return normalizeRegistry(key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, ''));
}

interface AuthEntry { auth?: unknown; username?: unknown; password?: unknown; identitytoken?: unknown }

function entryCredentials(entry: AuthEntry): Credentials | null {
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') return { identityToken: entry.identitytoken };
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon > 0) return { username: plain.slice(0, colon), password: plain.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && entry.username !== '' && typeof entry.password === 'string') {
    return { username: entry.username, password: entry.password };
  }
  return null;
}

/**
 * Reads the Docker config once and returns the lookup RegistryClientOptions.credentials takes.
 * A missing file means no credentials; an unreadable or malformed one throws BAD_DOCKER_CONFIG.
 */
export function dockerConfigCredentials(options: DockerConfigOptions = {}): (registry: string) => Credentials | null {
  const file = dockerConfigPath(options.env ?? process.env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return () => null;
    throw new RegistryError('BAD_DOCKER_CONFIG', `the Docker config ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw new RegistryError('BAD_DOCKER_CONFIG', `the Docker config ${file} is not valid JSON`);
  }
  const auths = (config as { auths?: unknown } | null)?.auths;
  const byHost = new Map<string, Credentials>();
  if (auths !== null && typeof auths === 'object') {
    for (const [key, entry] of Object.entries(auths as Record<string, unknown>)) {
      if (entry === null || typeof entry !== 'object') continue;
      const creds = entryCredentials(entry as AuthEntry);
      const host = keyHost(key);
      // An exact host key wins over a URL-shaped one for the same host.
      if (creds && (!byHost.has(host) || key === host)) byHost.set(host, creds);
    }
  }
  return (registry) => byHost.get(normalizeRegistry(registry)) ?? null;
}
