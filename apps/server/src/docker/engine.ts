import type { DockerStatus } from '@peel/api';
import { DockerClient } from './client.js';
import { dockerEndpoint } from './endpoint.js';
import { DockerUnavailableError } from './errors.js';
import type { RunPolicy } from './run-policy.js';

export interface DockerEngineOptions {
  /** DOCKER_HOST; /var/run/docker.sock when unset. */
  dockerHost?: string;
  tlsVerify?: string;
}

/**
 * The one way to the engine for the Docker routes: `client()` hands out the client when an
 * engine answers and throws DockerUnavailableError (503) with the reason when none does.
 */
export class DockerEngine {
  readonly label: string;
  private readonly docker: DockerClient | null;
  private readonly unsupported: string | null;

  constructor(opts: DockerEngineOptions) {
    const endpoint = dockerEndpoint(opts.dockerHost, opts.tlsVerify);
    this.label = endpoint.label;
    if ('unsupported' in endpoint) {
      this.docker = null;
      this.unsupported = endpoint.unsupported;
    } else {
      this.docker = new DockerClient(endpoint);
      this.unsupported = null;
    }
  }

  /**
   * The client, once the engine has answered a ping. A request to an engine that has gone since
   * fails with DockerUnavailableError too, and the next call pings again.
   */
  async client(): Promise<DockerClient> {
    if (!this.docker) throw new DockerUnavailableError(this.unsupported ?? 'no engine configured');
    await this.docker.apiVersion();
    return this.docker;
  }

  async status(runs: RunPolicy): Promise<DockerStatus> {
    const base = { host: this.label, runs: false, runsReason: runs.reason };
    try {
      const docker = await this.client();
      const apiVersion = await docker.apiVersion();
      const info = await docker.json<{ Version?: string }>({ method: 'GET', path: '/version', timeoutMs: 3000 });
      return { ...base, available: true, version: info?.Version ?? null, apiVersion, reason: null, runs: runs.allowed };
    } catch (err) {
      const reason = err instanceof DockerUnavailableError ? err.reason : `the engine at ${this.label} failed: ${(err as Error).message}`;
      return { ...base, available: false, version: null, apiVersion: null, reason, runsReason: reason };
    }
  }
}
