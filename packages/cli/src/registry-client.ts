/**
 * The one registry client a `peel` command makes: credentials from the user's Docker config
 * ($DOCKER_CONFIG/config.json, else ~/.docker/config.json), PEEL_REGISTRY_CA for a private CA
 * (a path relative to the working folder), PEEL_REGISTRY_INSECURE for the registries spoken to
 * over plain HTTP (loopback always).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRegistryClient, dockerConfigCredentials, type RegistryClientImpl } from '@peel/registry';
import { InputError } from './exit-codes.js';

export interface RegistryClientOptions {
  /** Blobs up to this size go up in one PUT, bigger ones in PATCHes of this size. */
  uploadChunkBytes?: number;
}

export function registryClient(env: Record<string, string | undefined>, cwd: string, options: RegistryClientOptions = {}): RegistryClientImpl {
  let credentials;
  try {
    credentials = dockerConfigCredentials({ env: env as NodeJS.ProcessEnv });
  } catch (e) {
    throw new InputError((e as Error).message, { cause: e });
  }
  const insecure = (env.PEEL_REGISTRY_INSECURE ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  return createRegistryClient({ credentials, insecure, ca: readCa(env.PEEL_REGISTRY_CA, cwd), ...options });
}

function readCa(file: string | undefined, cwd: string): Buffer | undefined {
  if (!file) return undefined;
  const path = resolve(cwd, file);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputError(`PEEL_REGISTRY_CA: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
