import http, { type IncomingMessage } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { DockerEndpoint } from './endpoint.js';
import { DockerEngineError, DockerUnavailableError } from './errors.js';

/** The newest Engine API version Peel was written against; older engines are spoken to in theirs. */
export const MAX_API_VERSION = '1.47';

type QueryValue = string | number | boolean | string[] | undefined;

export interface DockerRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Without the version prefix: `/images/json`. */
  path: string;
  query?: Record<string, QueryValue>;
  /** A JSON body… */
  json?: unknown;
  /** …or a streamed one (sent as application/x-tar). */
  body?: Readable;
  signal?: AbortSignal;
  /** Gives up when the engine has not answered within this time (status checks only). */
  timeoutMs?: number;
}

/**
 * A small Engine API client on node:http: unix socket or TCP, the API version negotiated with
 * `/_ping` (as the docker CLI does), bodies and replies streamed, attach through an HTTP upgrade.
 */
export class DockerClient {
  private version: Promise<string> | null = null;

  constructor(readonly endpoint: DockerEndpoint) {}

  /** The API version both sides speak: the engine's, capped at ours. */
  apiVersion(): Promise<string> {
    this.version ??= this.ping().then(
      ({ apiVersion }) => (compareVersions(apiVersion, MAX_API_VERSION) < 0 ? apiVersion : MAX_API_VERSION),
      (err: unknown) => {
        this.version = null;
        throw err;
      },
    );
    return this.version;
  }

  async ping(timeoutMs = 3000): Promise<{ apiVersion: string }> {
    const res = await this.send({ method: 'GET', path: '/_ping', timeoutMs }, '');
    const text = await readText(res, 4096);
    if (res.statusCode !== 200) throw new DockerUnavailableError(`the engine at ${this.endpoint.label} answered /_ping with ${res.statusCode} ${text.trim()}`);
    const apiVersion = res.headers['api-version'];
    return { apiVersion: typeof apiVersion === 'string' ? apiVersion : '1.24' };
  }

  /** Any status below 400 resolves with the streaming reply; 400 and above throw DockerEngineError. */
  async request(req: DockerRequest): Promise<IncomingMessage> {
    const res = await this.send(req, `/v${await this.apiVersion()}`);
    if ((res.statusCode ?? 500) >= 400) throw await engineError(res);
    return res;
  }

  async json<T>(req: DockerRequest): Promise<T> {
    const res = await this.request(req);
    const text = await readText(res, 64 * 1024 * 1024);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** Sends the request and discards the reply (start, kill, resize…). */
  async call(req: DockerRequest): Promise<void> {
    const res = await this.request(req);
    res.resume();
  }

  /** `Connection: Upgrade` (attach): resolves with the raw two-way stream once the engine switches. */
  async upgrade(req: DockerRequest): Promise<Duplex> {
    const prefix = `/v${await this.apiVersion()}`;
    return new Promise<Duplex>((resolve, reject) => {
      const r = this.raw(req, prefix, { connection: 'Upgrade', upgrade: 'tcp' });
      r.on('upgrade', (_res, socket, head) => {
        if (head.length) socket.unshift(head);
        resolve(socket);
      });
      r.on('response', (res) => engineError(res).then(reject, reject));
      r.on('error', (err) => reject(this.connectError(err)));
      r.end(req.json === undefined ? undefined : JSON.stringify(req.json));
    });
  }

  private send(req: DockerRequest, prefix: string): Promise<IncomingMessage> {
    return new Promise<IncomingMessage>((resolve, reject) => {
      const r = this.raw(req, prefix, {});
      r.on('response', resolve);
      r.on('error', (err) => reject(this.connectError(err)));
      if (req.timeoutMs) r.setTimeout(req.timeoutMs, () => r.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      if (req.body) {
        req.body.on('error', (err) => r.destroy(err));
        req.body.pipe(r);
      } else {
        r.end(req.json === undefined ? undefined : JSON.stringify(req.json));
      }
    });
  }

  private raw(req: DockerRequest, prefix: string, extra: Record<string, string>): http.ClientRequest {
    const headers: Record<string, string> = { host: 'docker', ...extra };
    if (req.json !== undefined) headers['content-type'] = 'application/json';
    if (req.body) headers['content-type'] = 'application/x-tar';
    const where = this.endpoint.kind === 'unix' ? { socketPath: this.endpoint.socketPath } : { host: this.endpoint.hostname, port: this.endpoint.port };
    return http.request({ ...where, method: req.method, path: prefix + req.path + queryString(req.query), headers, signal: req.signal, agent: false });
  }

  private connectError(err: Error & { code?: string }): Error {
    const code = err.code ?? '';
    if (['ENOENT', 'ECONNREFUSED', 'EACCES', 'EPERM', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'ECONNRESET', 'ENOTSOCK'].includes(code) && !(err.name === 'AbortError')) {
      const what = code === 'ENOENT' ? 'no socket there' : code === 'EACCES' || code === 'EPERM' ? 'permission denied on the socket' : code === 'ETIMEDOUT' ? 'no answer in time' : err.message;
      return new DockerUnavailableError(`cannot reach the engine at ${this.endpoint.label} (${what}; set DOCKER_HOST to its socket)`);
    }
    return err;
  }
}

function queryString(query: DockerRequest['query']): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) q.append(k, item);
    else q.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Reads a small reply body as text (error messages, JSON lists), refusing more than `max` bytes. */
export async function readText(res: Readable, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      res.destroy();
      throw new DockerEngineError(502, `the engine's reply is larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function engineError(res: IncomingMessage): Promise<DockerEngineError> {
  const text = await readText(res, 64 * 1024).catch(() => '');
  let message = text.trim() || `${res.statusCode} ${res.statusMessage ?? ''}`.trim();
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not JSON: keep the text.
  }
  return new DockerEngineError(res.statusCode ?? 500, message);
}

/** Compares dotted versions numerically: `1.41` < `1.47` < `1.100`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
