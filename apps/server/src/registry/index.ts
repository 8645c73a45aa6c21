import { readFileSync } from 'node:fs';
import type { BlobStore } from '@peel/engine';
import { createRegistryClient, dockerConfigCredentials, type Credentials, type RegistryClientImpl } from '@peel/registry';
import type { IngestService } from '../services/ingest.js';
import { RegistryOpenJobs } from './open-jobs.js';
import { RegistryService } from './service.js';

/**
 * Upload chunk size of pushes: 32 MiB chunks pushed a 269 MB layer in 12.1–12.8 s where 8 MiB
 * ones took 10.4–18.6 s (loopback registry, loaded machine).
 */
export const PUSH_CHUNK_BYTES = 32 * 1024 * 1024;

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

/**
 * One client for opening and pushing, so that credentials typed in for the session serve both.
 * Uploads go in chunks of PUSH_CHUNK_BYTES (measured a little steadier than the client's default).
 * `logFailure`: where a job's failure that is Peel's own fault (a 5xx) is logged.
 */
export function createRegistry(opts: RegistryOptions, ingest: IngestService, store: BlobStore, logFailure: (err: unknown, message: string) => void): RegistryContext {
  const ca = opts.caFile ? readCa(opts.caFile) : undefined;
  const dockerCredentials = readDockerConfig(opts.env);
  let client: RegistryClientImpl | null = null;
  const service = new RegistryService((credentials) => (client = createRegistryClient({ credentials, insecure: opts.insecure, ca, uploadChunkBytes: PUSH_CHUNK_BYTES })), dockerCredentials);
  const opens = new RegistryOpenJobs(service, ingest, store, logFailure);
  return {
    service,
    opens,
    close: async () => {
      await opens.cancelAll();
      client?.close();
    },
  };
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
