import { readFileSync } from 'node:fs';
import type { BlobStore } from '@peel/engine';
import { createRegistryClient, dockerConfigCredentials, type Credentials } from '@peel/registry';
import type { IngestService } from '../services/ingest.js';
import { RegistryOpenJobs } from './open-jobs.js';
import { RegistryService } from './service.js';

/** How the server reaches registries (PEEL_REGISTRY_CA, PEEL_REGISTRY_INSECURE). */
export interface RegistryOptions {
  /** A PEM file of CA certificates trusted besides the system's (a private registry's CA). */
  caFile?: string;
  /** Registries (`host[:port]`) spoken to over plain HTTP; loopback ones always may be. */
  insecure?: string[];
  /** The environment whose Docker config gives credentials (DOCKER_CONFIG, HOME); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface RegistryContext {
  service: RegistryService;
  opens: RegistryOpenJobs;
  /** Cancels opens in flight (server shutdown). */
  close(): Promise<void>;
}

export function createRegistry(opts: RegistryOptions, ingest: IngestService, store: BlobStore): RegistryContext {
  const ca = opts.caFile ? readCa(opts.caFile) : undefined;
  const dockerCredentials = readDockerConfig(opts.env);
  const service = new RegistryService((credentials) => createRegistryClient({ credentials, insecure: opts.insecure, ca }), dockerCredentials);
  const opens = new RegistryOpenJobs(service, ingest, store);
  return { service, opens, close: async () => void (await opens.cancelAll()) };
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`PEEL_REGISTRY_CA: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * The Docker config's credentials, read once at start (a config changed later needs a restart,
 * or a session login). A malformed config does not stop the server: registry requests say why.
 */
function readDockerConfig(env?: NodeJS.ProcessEnv): (registry: string) => Credentials | null {
  try {
    return dockerConfigCredentials({ env });
  } catch (e) {
    return () => {
      throw e;
    };
  }
}
