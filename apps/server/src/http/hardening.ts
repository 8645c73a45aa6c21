import type { ServerOptions } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import { registerAccessToken } from './access-token.js';
import { registerUploadSlots } from './upload-slots.js';
import { watchIdle } from './idle-watch.js';
import { rawBody } from './raw-body.js';

/** Limits on requests themselves (not on the archives they carry). */
export interface HardeningOptions {
  /** Uploads (POST /api/images) served at once; more are answered 429. */
  maxConcurrentUploads: number;
  /** A request body that sends nothing for this long (while the server waits for it) fails with 408. */
  bodyIdleMs: number;
  /** Headers must be complete this long after a connection's request starts (slow-loris). */
  headersTimeoutMs: number;
  /** How often Node checks the headers timeout. */
  timeoutCheckMs: number;
  /** Longer query strings are answered 414 (the longest legal path, percent-encoded, fits). */
  maxQueryBytes: number;
  /** Listening on a non-loopback address needs this switch… */
  expose: boolean;
  /** …and this token, which every request must then carry (Bearer header or cookie). */
  token: string | null;
}

export const DEFAULT_HARDENING: HardeningOptions = {
  maxConcurrentUploads: 4,
  bodyIdleMs: 60_000,
  headersTimeoutMs: 20_000,
  timeoutCheckMs: 5_000,
  maxQueryBytes: 13 * 1024,
  expose: false,
  token: null,
};

/** Options for Node's http.Server: headers must arrive in time, bodies may take as long as they need. */
export function httpServerOptions(h: HardeningOptions): ServerOptions {
  return { headersTimeout: h.headersTimeoutMs, connectionsCheckingInterval: h.timeoutCheckMs, requestTimeout: 0 };
}

const isUpload = (req: FastifyRequest): boolean => req.method === 'POST' && req.routeOptions.url === '/api/images';

/** Registers the request limits; call after registerSecurity (so the Host check runs first). */
export function registerHardening(app: FastifyInstance, h: HardeningOptions): void {
  app.addHook('onRequest', async (req) => {
    const q = req.url.indexOf('?');
    if (q >= 0 && req.url.length - q - 1 > h.maxQueryBytes) {
      throw new ApiError(414, 'QUERY_TOO_LONG', `the query string is ${req.url.length - q - 1} bytes; the limit is ${h.maxQueryBytes}`);
    }
  });
  if (h.token !== null) registerAccessToken(app, h.token);
  registerUploadSlots(app, h.maxConcurrentUploads, isUpload);
  // Raw bodies (uploads, draft file contents) are streams: stop waiting for a client that went quiet.
  app.addHook('preHandler', async (req) => {
    const body = rawBody(req.body);
    if (body) req.body = watchIdle(body, h.bodyIdleMs);
  });
}
