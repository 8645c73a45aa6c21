/** Where the Docker engine listens: a unix socket, or plain TCP. */
export type DockerEndpoint =
  | { kind: 'unix'; socketPath: string; label: string }
  | { kind: 'tcp'; hostname: string; port: number; label: string };

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/**
 * Reads DOCKER_HOST the way the docker CLI does (unix:// and tcp://). Returns a reason instead
 * of an endpoint for what Peel does not speak: TLS (DOCKER_TLS_VERIFY), ssh://, npipe://.
 */
export function dockerEndpoint(dockerHost: string | undefined, tlsVerify?: string): DockerEndpoint | { unsupported: string; label: string } {
  const label = dockerHost?.trim() || DEFAULT_DOCKER_HOST;
  if (label.startsWith('unix://')) {
    const socketPath = label.slice('unix://'.length);
    if (!socketPath.startsWith('/')) return { unsupported: `DOCKER_HOST ${label} must name an absolute socket path`, label };
    return { kind: 'unix', socketPath, label };
  }
  if (label.startsWith('tcp://')) {
    if (tlsVerify && tlsVerify !== '0') {
      return { unsupported: `DOCKER_HOST ${label} with DOCKER_TLS_VERIFY: Peel speaks plain HTTP to the engine only (use its unix socket)`, label };
    }
    let url: URL;
    try {
      url = new URL(label.replace(/^tcp:/, 'http:'));
    } catch {
      return { unsupported: `DOCKER_HOST ${label} is not a valid tcp://host:port address`, label };
    }
    return { kind: 'tcp', hostname: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 2375), label };
  }
  const scheme = label.match(/^([a-z]+):\/\//)?.[1] ?? label;
  return { unsupported: `DOCKER_HOST ${label}: the ${scheme} transport is not supported (use unix:// or tcp://)`, label };
}
