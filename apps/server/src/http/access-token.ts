import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

const COOKIE = 'peel_token';
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * With a token set (required to listen beyond loopback), every request must carry it: an
 * `Authorization: Bearer` header (scripts, the CLI) or the `peel_token` cookie (the browser).
 * Opening any page with `?token=…` once sets the cookie (HttpOnly, SameSite=Strict) and
 * redirects to the same page without it. Only the health check is open.
 */
export function registerAccessToken(app: FastifyInstance, token: string): void {
  const expected = digest(token);
  const matches = (candidate: string | undefined): boolean => candidate !== undefined && timingSafeEqual(digest(candidate), expected);

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.url === '/api/health') return;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ') && matches(auth.slice(7))) return;
    if (matches(cookie(req.headers.cookie, COOKIE))) return;
    const url = new URL(req.url, 'http://peel.invalid');
    const given = url.searchParams.get('token') ?? undefined;
    if (req.method === 'GET' && matches(given)) {
      url.searchParams.delete('token');
      reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      reply.header('cache-control', 'no-store');
      return reply.redirect(`${url.pathname}${url.search}`, 303);
    }
    throw new ApiError(401, 'TOKEN_REQUIRED', 'this Peel needs its access token: open it once with ?token=<token>, or send Authorization: Bearer <token>');
  });
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
