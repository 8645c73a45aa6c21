import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

/** The UI's own pages: scripts and styles only from us, no frames, no plugins. */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // CodeMirror and React set inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Bytes that came out of an image: never run, never framed, never sniffed into HTML. */
export const CONTENT_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'";
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SecurityOptions {
  /** Host names (without port) a request may name: the bound address, localhost, 127.0.0.1, [::1]. */
  allowedHosts: string[];
  /**
   * URL prefixes whose reads are checked like writes: routes that make the server reach other
   * hosts, which a page of another site must not use (even blind) to make Peel its proxy.
   */
  guardedReads?: string[];
}

/**
 * Local-app defences. DNS rebinding: a page on evil.example that resolves to 127.0.0.1 still
 * sends `Host: evil.example`, so any Host other than ours is refused. CSRF: a state-changing
 * request carrying another Origin (or `null`) is refused; browsers always send Origin on them.
 * Reads of `guardedReads` are refused the same way, and also when the browser says
 * (`Sec-Fetch-Site`) that another site's page made them, as an `<img src>` would.
 */
export function registerSecurity(app: FastifyInstance, opts: SecurityOptions): void {
  const allowed = new Set(opts.allowedHosts.map((h) => h.toLowerCase()));
  const port = (): number | null => {
    const addr = app.server.address();
    return addr && typeof addr === 'object' ? addr.port : null;
  };
  const hostOk = (hostHeader: string | undefined): boolean => {
    if (!hostHeader) return false;
    const parsed = splitHost(hostHeader.toLowerCase());
    if (!parsed || !allowed.has(parsed.host)) return false;
    const listening = port();
    // In-process requests (inject) have no bound port to compare with.
    return listening === null || (parsed.port ?? 80) === listening;
  };

  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (!hostOk(req.headers.host)) {
      throw new ApiError(403, 'BAD_HOST', `requests must name this server as localhost or 127.0.0.1 (Host: ${JSON.stringify(req.headers.host ?? '')} refused)`);
    }
    if (!STATE_CHANGING.has(req.method) && !opts.guardedReads?.some((p) => req.url.startsWith(p))) return;
    const origin = req.headers.origin;
    if (origin !== undefined && !originOk(origin, hostOk)) {
      throw new ApiError(403, 'BAD_ORIGIN', `cross-origin ${req.method} refused (Origin: ${JSON.stringify(origin)})`);
    }
    // same-site is another origin too (another port of localhost): only our own pages may write.
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') {
      throw new ApiError(403, 'BAD_ORIGIN', `${site} ${req.method} refused`);
    }
  });

  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', req.url.startsWith('/api/') ? API_CSP : UI_CSP);
    }
    return payload;
  });
}

function originOk(origin: string, hostOk: (h: string) => boolean): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return hostOk(`${url.hostname}:${port}`);
}

/** `name`, `name:port`, `[v6]`, `[v6]:port` → host (v6 keeps its brackets) and port. */
export function splitHost(h: string): { host: string; port: number | null } | null {
  const m = h.match(/^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/);
  if (!m) return null;
  return { host: m[1], port: m[2] === undefined ? null : Number(m[2]) };
}
