import { ApiError } from '../errors.js';

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** A write that failed because the data folder's disk is full (or over quota), as a 507. */
export function diskFullError(err: unknown): ApiError | null {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && FULL_CODES.has(e.code)) {
      return new ApiError(507, 'DISK_FULL', 'the disk of the data folder is full: nothing of this request was kept; free some space (or delete images) and try again');
    }
  }
  return null;
}
