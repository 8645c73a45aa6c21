/**
 * Errors the services raise for bad requests. The HTTP error handler (http/error-handler.ts)
 * turns them, and the engine's EngineError, into `{ error: { code, message } }` replies.
 */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, 'NOT_FOUND', what);
export const badRequest = (code: string, message: string): ApiError => new ApiError(400, code, message);
