/**
 * Typed errors with a stable `code`. Messages name the blob, layer or path and, where it helps,
 * what to do. Callers map codes to HTTP statuses (every code here is the input's fault: 4xx).
 * Where a low-level message (a tar offset, a zlib error) would puzzle a person, the message is
 * said in plain words and the technical one is kept in `detail`.
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
  /** The technical account behind a plain-words message (parser offsets, a decompressor's words). */
  readonly detail?: string;
  constructor(code: EngineErrorCode, message: string, options?: { subject?: string; cause?: unknown; detail?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EngineError';
    this.code = code;
    this.subject = options?.subject;
    this.detail = options?.detail;
  }
}

export const isEngineError = (e: unknown): e is EngineError => e instanceof EngineError;
