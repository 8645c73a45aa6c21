/**
 * One HTTP exchange with Node's own http/https: TLS with the system's CAs plus the configured
 * ones, plain HTTP only to loopback and registries listed as insecure, an idle timeout (a peer
 * that stops sending is dropped), an optional whole-exchange deadline (a peer dripping bytes is
 * dropped too), and AbortSignal. Bodies are Buffers so an exchange can be sent again after a 401.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { RegistryError } from './errors.js';

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: Buffer;
  signal?: AbortSignal;
  /** Bound on the whole exchange, body included (small responses: manifests, tokens, tag lists). */
  deadlineMs?: number;
  /**
   * The caller watches the body's idleness itself once the headers are in (a streamed blob: a
   * consumer that pauses must not make the peer look idle).
   */
  bodyIdleWatchedByCaller?: boolean;
}

export interface TransportOptions {
  insecure: readonly string[];
  ca?: string | Buffer;
  idleTimeoutMs: number;
}

const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'CERT_SIGNATURE_FAILURE',
]);

/** `host[:port]` of a URL as a person reads it (never its userinfo). */
export const where = (url: URL): string => `${url.protocol}//${url.host}${url.pathname}`;

export function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Turns what Node throws into a RegistryError (the original kept as `cause`). */
export function mapError(e: unknown, url: URL): RegistryError {
  if (e instanceof RegistryError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? '';
  if (code === 'ABORT_ERR' || err?.name === 'AbortError') return new RegistryError('ABORTED', `the request to ${url.host} was cancelled`, { cause: e });
  if (TLS_TRUST_CODES.has(code)) {
    return new RegistryError('TLS_FAILED', `the TLS certificate of ${url.host} is not trusted (${code}): give its CA in PEM (PEEL_REGISTRY_CA)`, { cause: e });
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
    return new RegistryError('TLS_FAILED', `TLS with ${url.host} failed (${code})`, { cause: e });
  }
  return new RegistryError('UNREACHABLE', `cannot reach ${url.host} (${code || err?.message || 'connection failed'})`, { cause: e });
}

export class Transport {
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent: https.Agent;
  constructor(private readonly options: TransportOptions) {
    // `ca` replaces Node's roots: the system's are passed along so a private CA adds to them.
    const ca = options.ca === undefined ? undefined : [...tls.rootCertificates, options.ca.toString()];
    this.httpsAgent = new https.Agent({ keepAlive: true, ca });
  }

  /** Plain HTTP is allowed to loopback and to registries listed as insecure (host or host:port). */
  plainHttpAllowed(host: string): boolean {
    const hostname = new URL(`http://${host}`).hostname;
    return isLoopback(hostname) || this.options.insecure.some((i) => i === host || i === hostname);
  }

  checkUrl(url: URL): void {
    if (url.protocol === 'https:') return;
    if (url.protocol === 'http:' && this.plainHttpAllowed(url.host)) return;
    if (url.protocol === 'http:') {
      throw new RegistryError('INSECURE_REFUSED', `${url.host} is not reached over plain HTTP: list it as an insecure registry to allow that`);
    }
    throw new RegistryError('BAD_RESPONSE', `${url.protocol} URLs are not followed`);
  }

  send(r: HttpRequest): Promise<http.IncomingMessage> {
    this.checkUrl(r.url);
    return this.attempt(r, true);
  }

  private attempt(r: HttpRequest, mayRetry: boolean): Promise<http.IncomingMessage> {
    const { url, signal } = r;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new RegistryError('ABORTED', `the request to ${url.host} was cancelled`));
      const https_ = url.protocol === 'https:';
      const headers: Record<string, string> = { 'user-agent': 'peel', ...r.headers };
      if (r.body !== undefined) headers['content-length'] = String(r.body.length);
      let response: http.IncomingMessage | null = null;
      const req = (https_ ? https : http).request(url, { method: r.method, headers, agent: https_ ? this.httpsAgent : this.httpAgent }, (res) => {
        response = res;
        if (r.bodyIdleWatchedByCaller) req.setTimeout(0);
        res.on('close', cleanup);
        resolve(res);
      });
      const fail = (e: RegistryError) => {
        response?.destroy(e);
        req.destroy(e);
      };
      const idle = this.options.idleTimeoutMs;
      req.setTimeout(idle, () => fail(new RegistryError('TIMEOUT', `${url.host} sent nothing for ${idle / 1000} s (${where(url)})`)));
      const deadline = r.deadlineMs === undefined ? null : setTimeout(
        () => fail(new RegistryError('TIMEOUT', `${url.host} did not answer within ${r.deadlineMs! / 1000} s (${where(url)})`)),
        r.deadlineMs,
      );
      const onAbort = () => fail(new RegistryError('ABORTED', `the request to ${url.host} was cancelled`));
      signal?.addEventListener('abort', onAbort, { once: true });
      function cleanup() {
        if (deadline) clearTimeout(deadline);
        signal?.removeEventListener('abort', onAbort);
      }
      req.on('close', () => { if (!response) cleanup(); });
      req.on('error', (e) => {
        // A kept-alive socket the peer closed just as it was reused: nothing reached the peer,
        // so the request is sent once more on a fresh connection (what Node's docs advise).
        const code = (e as NodeJS.ErrnoException).code;
        if (mayRetry && !response && req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')) {
          cleanup();
          resolve(this.attempt(r, false));
        } else {
          reject(mapError(e, url));
        }
      });
      req.end(r.body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** Reads a whole body, refusing (while reading, not after) more than `max` bytes. */
export async function readBounded(res: http.IncomingMessage, max: number, what: string, url: URL): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (declared > max) {
    res.destroy();
    throw new RegistryError('TOO_LARGE', `${what} is ${declared} bytes, more than the ${max} accepted`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > max) {
        res.destroy();
        throw new RegistryError('TOO_LARGE', `${what} is more than the ${max} bytes accepted`);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    throw mapError(e, url);
  }
  return Buffer.concat(chunks, total);
}

/** Lets go of a response whose body is not wanted: a small one is drained (the socket is reused), a big or unknown one is dropped. */
export function discard(res: http.IncomingMessage): void {
  const length = Number(res.headers['content-length'] ?? NaN);
  if (length <= 65536) res.resume();
  else res.destroy();
}
