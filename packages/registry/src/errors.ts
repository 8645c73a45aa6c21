/**
 * Typed errors with a stable `code` the server and CLI map to statuses and exit codes. Messages
 * name the registry, repository or digest and never carry credentials (no Authorization header,
 * no password, no token, no userinfo of a URL).
 */
export type RegistryErrorCode =
  | 'BAD_REFERENCE'
  | 'BAD_DOCKER_CONFIG'
  | 'INSECURE_REFUSED'
  | 'TLS_FAILED'
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'UNAUTHORIZED'
  | 'AUTH_LOOP'
  | 'DENIED'
  | 'NOT_FOUND'
  | 'TOO_MANY_REQUESTS'
  | 'REGISTRY_ERROR'
  | 'BAD_RESPONSE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_LARGE'
  | 'DIGEST_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'REDIRECT_LOOP'
  | 'TOO_MANY_REDIRECTS'
  | 'HOSTILE_LOCATION'
  | 'NO_SUCH_PLATFORM';

export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  /** The HTTP status the registry answered, when the error comes from one. */
  readonly status?: number;
  /** The distribution error code of the registry's body (`MANIFEST_UNKNOWN`, …), when sent. */
  readonly registryCode?: string;
  constructor(code: RegistryErrorCode, message: string, options?: { status?: number; registryCode?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RegistryError';
    this.code = code;
    this.status = options?.status;
    this.registryCode = options?.registryCode;
  }
}

export const isRegistryError = (e: unknown): e is RegistryError => e instanceof RegistryError;
