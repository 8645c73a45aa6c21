import type { FastifyError, FastifyInstance } from 'fastify';
import { isEngineError, type EngineErrorCode } from '@peel/engine';
import type { ApiErrorBody } from '@peel/api';
import { ApiError } from '../errors.js';
import { diskFullError } from './disk-full.js';
import { lingerThenClose } from './linger.js';

/** Every EngineError is the input's fault; these ones are about size rather than shape. */
const ENGINE_STATUS: Partial<Record<EngineErrorCode, number>> = {
  LIMIT_EXCEEDED: 413,
  JSON_TOO_LARGE: 413,
  UNSUPPORTED_FORMAT: 415,
  UNSUPPORTED_COMPRESSION: 415,
};

/** Maps an error to its status and body; 5xx bodies never show internals. */
export function describeError(err: unknown): { status: number; body: ApiErrorBody } {
  // A stream error the engine wrapped (e.g. our 413 from the byte counter) keeps its meaning.
  const cause = err instanceof Error && err.cause instanceof ApiError ? err.cause : err;
  if (cause instanceof ApiError) return { status: cause.status, body: { error: { code: cause.code, message: cause.message } } };
  const full = diskFullError(err);
  if (full) return { status: full.status, body: { error: { code: full.code, message: full.message } } };
  if (isEngineError(err)) {
    const detail = err.detail === undefined ? {} : { detail: err.detail };
    return { status: ENGINE_STATUS[err.code] ?? 400, body: { error: { code: err.code, message: err.message, ...detail } } };
  }
  const fe = err as FastifyError;
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.validation ? 'BAD_REQUEST' : (fe.code ?? 'BAD_REQUEST');
    return { status: fe.statusCode, body: { error: { code, message: fe.message } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal server error (see the server log)' } } };
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const { status, body } = describeError(err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: body.error.code, detail: body.error.detail }, body.error.message);
    if (reply.sent || reply.raw.destroyed) return;
    // A refused upload may still be arriving: drop the rest for a moment, then close.
    if (status === 413 || !req.raw.complete) lingerThenClose(req.raw, reply.raw);
    reply.status(status).type('application/json; charset=utf-8').send(body);
  });
}
