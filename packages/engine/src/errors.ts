/**
 * Typed errors with a stable `code`. Messages name the blob, layer or path and, where it helps,
 * what to do. Callers map codes to HTTP statuses (every code here is the input's fault: 4xx).
 */
export type EngineErrorCode =
  | 'NOT_A_TAR'
  | 'TRUNCATED'
  | 'BAD_TAR_HEADER'
  | 'NOT_AN_IMAGE'
  | 'UNSUPPORTED_FORMAT'
  | 'MALFORMED_JSON'
  | 'JSON_TOO_LARGE'
  | 'DIGEST_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'DIFF_ID_MISMATCH'
  | 'MISSING_BLOB'
  | 'LAYER_COUNT_MISMATCH'
  | 'INDEX_CYCLE'
  | 'LIMIT_EXCEEDED'
  | 'DECOMPRESSION_FAILED'
  | 'UNSUPPORTED_COMPRESSION'
  | 'NO_SUCH_PLATFORM'
  | 'ABORTED';

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  /** The archive path or digest the error is about, when there is one. */
  readonly subject?: string;
  constructor(code: EngineErrorCode, message: string, options?: { subject?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EngineError';
    this.code = code;
    this.subject = options?.subject;
  }
}

export const isEngineError = (e: unknown): e is EngineError => e instanceof EngineError;
