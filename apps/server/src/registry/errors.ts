import { isRegistryError, type RegistryErrorCode } from '@peel/registry';
import { ApiError } from '../errors.js';

/**
 * What a registry's failure is to the API: the reference's fault (400), something the registry
 * does not have (404), or the registry's failure or hostility (502: unreachable, refused
 * credentials, a digest that does not match, a bound exceeded). The client's message is kept:
 * it names the registry and what went wrong, and never carries credentials.
 */
const STATUS: Partial<Record<RegistryErrorCode, number>> = {
  BAD_REFERENCE: 400,
  INSECURE_REFUSED: 400,
  NOT_FOUND: 404,
  NO_SUCH_PLATFORM: 404,
  TOO_MANY_REQUESTS: 429,
};

export function toApiError(err: unknown): unknown {
  if (!isRegistryError(err)) return err;
  const code = err.code === 'BAD_REFERENCE' ? err.code : `REGISTRY_${err.code}`;
  return new ApiError(STATUS[err.code] ?? 502, code, err.message);
}

/** Runs `work`, its registry errors turned into API errors. */
export async function registryError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw toApiError(e);
  }
}
