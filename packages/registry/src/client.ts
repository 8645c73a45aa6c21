/**
 * The distribution-API client: manifests, tags and blobs read and written over Transport, with
 * the anonymous, Basic and Bearer-token flows, bounded redirects (credentials stay with the
 * registry's host), and every byte checked against its digest as it passes.
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { Transform, type Readable } from 'node:stream';
import type { Credentials, Descriptor, FetchedManifest, ImageReference, Platform, RegistryClient, RegistryClientOptions, RegistryLimits, TagPage } from './types.js';
import { RegistryError } from './errors.js';
import { checkDigest, formatReference, isDigest } from './reference.js';
import { parseChallenges, nextLink, type Challenge } from './challenge.js';
import { Transport, discard, mapError, readBounded, where, type HttpRequest } from './transport.js';
import { IMAGE_MANIFEST_TYPES, INDEX_TYPES, MANIFEST_ACCEPT, OCI_INDEX, OCI_MANIFEST } from './media-types.js';
import { formatPlatform, hostPlatform, pickPlatform } from './platform.js';
import { mergeScopes, pullScope, pushScope } from './scope.js';

export const DEFAULT_REGISTRY_LIMITS: RegistryLimits = {
  maxManifestBytes: 4 * 1024 * 1024,
  maxRedirects: 5,
  maxAuthRetries: 3,
  idleTimeoutMs: 30_000,
  responseTimeoutMs: 60_000,
};
/** Blobs up to this size go up in one PUT; bigger ones in PATCHes of this size. */
export const DEFAULT_UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;
const MAX_ERROR_BODY = 64 * 1024;
const MAX_TOKEN_BODY = 1024 * 1024;
const MAX_TAGS_BODY = 16 * 1024 * 1024;
const MAX_INDEX_DEPTH = 4;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface CallSpec {
  method: string;
  /** A path on the registry (`/v2/…`) or a full URL (an upload session's Location). */
  target: string | URL;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Follow redirects (GET and HEAD only). */
  follow?: boolean;
  /** The body is a stream whose idleness the caller watches (see verifying). */
  streamed?: boolean;
  /** Bound the whole exchange (small bodies). */
  deadline?: boolean;
}

interface CachedToken { value: string; expires: number }

const digestOf = (bytes: Buffer, algorithm = 'sha256') => `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
const algorithmOf = (digest: string) => digest.slice(0, digest.indexOf(':'));
const header = (res: http.IncomingMessage, name: string): string | undefined => {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** A registry's error body (`{"errors":[{"code","message"}]}`) turned into a RegistryError. */
async function responseError(res: http.IncomingMessage, what: string, url: URL): Promise<RegistryError> {
  const status = res.statusCode ?? 0;
  let registryCode: string | undefined;
  let said = '';
  try {
    const body = await readBounded(res, MAX_ERROR_BODY, 'an error body', url);
    const first = (JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] }).errors?.[0];
    if (typeof first?.code === 'string') registryCode = first.code.slice(0, 64);
    if (typeof first?.message === 'string') said = first.message.slice(0, 200);
  } catch {
    res.destroy();
  }
  const code = status === 404 ? 'NOT_FOUND' : status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'DENIED' : status === 429 ? 'TOO_MANY_REQUESTS' : 'REGISTRY_ERROR';
  const detail = [registryCode, said].filter(Boolean).join(': ');
  return new RegistryError(code, `${what}: ${url.host} answered ${status}${detail ? ` (${detail})` : ''}`, { status, registryCode });
}

/**
 * Passes a blob's bytes through, erroring the stream at the first byte past `size` or at an end
 * whose digest or length differs. The idle clock runs only while the consumer waits for bytes
 * (both buffers empty): a consumer that pauses does not make the registry look idle.
 */
function verifying(source: http.IncomingMessage, expected: Pick<Descriptor, 'digest' | 'size'>, what: string, url: URL, idleMs: number): Readable {
  const hash = createHash(algorithmOf(expected.digest));
  let seen = 0;
  let lastProgress = Date.now();
  const out = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      lastProgress = Date.now();
      seen += chunk.length;
      if (seen > expected.size) {
        source.destroy();
        return callback(new RegistryError('SIZE_MISMATCH', `${what} is longer than its ${expected.size} bytes: refused`));
      }
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      if (seen !== expected.size) return callback(new RegistryError('SIZE_MISMATCH', `${what} ended after ${seen} of its ${expected.size} bytes`));
      const got = `${algorithmOf(expected.digest)}:${hash.digest('hex')}`;
      if (got !== expected.digest) return callback(new RegistryError('DIGEST_MISMATCH', `${what} has digest ${got}, not ${expected.digest}`));
      callback();
    },
  });
  const watch = setInterval(() => {
    if (out.readableLength > 0 || out.writableLength > 0) lastProgress = Date.now();
    else if (Date.now() - lastProgress >= idleMs) out.destroy(new RegistryError('TIMEOUT', `${url.host} sent nothing of ${what} for ${idleMs / 1000} s`));
  }, Math.max(20, Math.floor(idleMs / 5)));
  watch.unref();
  source.on('error', (e) => out.destroy(mapError(e, url)));
  out.on('close', () => {
    clearInterval(watch);
    if (!source.readableEnded) source.destroy();
  });
  source.pipe(out);
  return out;
}

function parseDescriptor(value: unknown, what: string): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (!d || typeof d !== 'object' || typeof d.mediaType !== 'string' || typeof d.digest !== 'string' || !Number.isSafeInteger(d.size) || (d.size as number) < 0) {
    throw new RegistryError('BAD_RESPONSE', `${what} has a malformed descriptor`);
  }
  if (!isDigest(d.digest)) throw new RegistryError('BAD_RESPONSE', `${what} has a descriptor with an invalid digest ${JSON.stringify(d.digest.slice(0, 80))}`);
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size as number };
  const p = d.platform;
  if (p && typeof p === 'object' && typeof p.os === 'string' && typeof p.architecture === 'string') {
    out.platform = typeof p.variant === 'string' ? { os: p.os, architecture: p.architecture, variant: p.variant } : { os: p.os, architecture: p.architecture };
  }
  if (d.annotations && typeof d.annotations === 'object') out.annotations = d.annotations;
  return out;
}

/** Parses manifest bytes into a FetchedManifest (the digest already checked by the caller). */
export function parseManifest(bytes: Buffer, digest: string, contentType: string | undefined, what: string): FetchedManifest {
  let json: { schemaVersion?: unknown; mediaType?: unknown; config?: unknown; layers?: unknown; manifests?: unknown };
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new RegistryError('BAD_RESPONSE', `${what} is not valid JSON`);
  }
  if (!json || typeof json !== 'object') throw new RegistryError('BAD_RESPONSE', `${what} is not a JSON object`);
  if (json.schemaVersion !== 2) throw new RegistryError('UNSUPPORTED_MEDIA_TYPE', `${what} is schema version ${String(json.schemaVersion)}; only schema 2 (OCI and Docker v2) is read`);
  const declared = typeof json.mediaType === 'string' ? json.mediaType : contentType?.split(';')[0]?.trim();
  const mediaType = declared && (IMAGE_MANIFEST_TYPES.includes(declared) || INDEX_TYPES.includes(declared))
    ? declared
    : Array.isArray(json.manifests) ? OCI_INDEX : json.config !== undefined ? OCI_MANIFEST : declared ?? '';
  if (INDEX_TYPES.includes(mediaType)) {
    if (!Array.isArray(json.manifests)) throw new RegistryError('BAD_RESPONSE', `${what} is an index without manifests`);
    return { mediaType, digest, bytes, image: null, index: { manifests: json.manifests.map((m) => parseDescriptor(m, what)) } };
  }
  if (IMAGE_MANIFEST_TYPES.includes(mediaType)) {
    if (!Array.isArray(json.layers)) throw new RegistryError('BAD_RESPONSE', `${what} has no layer list`);
    return { mediaType, digest, bytes, image: { config: parseDescriptor(json.config, what), layers: json.layers.map((l) => parseDescriptor(l, what)) }, index: null };
  }
  throw new RegistryError('UNSUPPORTED_MEDIA_TYPE', `${what} is of media type ${JSON.stringify(mediaType)}, neither an image manifest nor an index`);
}

export interface RegistryClientImpl extends RegistryClient {
  /** Drops the kept-alive connections. */
  close(): void;
}

class Client implements RegistryClientImpl {
  private readonly limits: RegistryLimits;
  private readonly transport: Transport;
  private readonly chunkBytes: number;
  private readonly bases = new Map<string, Promise<URL>>();
  private readonly challenges = new Map<string, Challenge>();
  private readonly tokens = new Map<string, CachedToken>();

  constructor(private readonly options: RegistryClientOptions) {
    this.limits = { ...DEFAULT_REGISTRY_LIMITS, ...options.limits };
    this.transport = new Transport({ insecure: options.insecure ?? [], ca: options.ca, idleTimeoutMs: this.limits.idleTimeoutMs });
    this.chunkBytes = options.uploadChunkBytes ?? DEFAULT_UPLOAD_CHUNK_BYTES;
  }

  close(): void {
    this.transport.close();
  }

  private credentials(registry: string): Credentials | null {
    return this.options.credentials?.(registry) ?? null;
  }

  /**
   * The registry's origin: HTTPS, except that a registry allowed plain HTTP (loopback, insecure)
   * that does not speak TLS on its port is reached over HTTP. A certificate that fails is an
   * error, never a reason to fall back.
   */
  private base(registry: string): Promise<URL> {
    const known = this.bases.get(registry);
    if (known) return known;
    const secure = new URL(`https://${registry}`);
    if (!this.transport.plainHttpAllowed(registry)) return Promise.resolve(secure);
    // Shared by every call to this registry, so no one caller's signal cancels it; the deadline bounds it.
    const probe = (async () => {
      try {
        const res = await this.transport.send({ method: 'GET', url: new URL('/v2/', secure), deadlineMs: this.limits.responseTimeoutMs });
        discard(res);
        return secure;
      } catch (e) {
        const cause = (e as { cause?: NodeJS.ErrnoException }).cause;
        const code = cause?.code ?? '';
        const notTls = code === 'EPROTO' || code === 'ECONNRESET' || code.startsWith('ERR_SSL') || /wrong version number|packet length/i.test(cause?.message ?? '');
        if (notTls) return new URL(`http://${registry}`);
        throw e;
      }
    })();
    this.bases.set(registry, probe);
    probe.catch(() => this.bases.delete(registry));
    return probe;
  }

  private async authorization(registry: string, scopes: string[], fresh: boolean, signal?: AbortSignal): Promise<string | undefined> {
    const challenge = this.challenges.get(registry);
    if (!challenge) return undefined;
    const creds = this.credentials(registry);
    if (challenge.scheme === 'basic') {
      return creds && 'username' in creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
    }
    const key = `${registry} ${scopes.join(' ')}`;
    const cached = this.tokens.get(key);
    if (!fresh && cached && cached.expires > Date.now()) return `Bearer ${cached.value}`;
    const token = await this.fetchToken(registry, challenge, scopes, creds, signal);
    this.tokens.set(key, token);
    return `Bearer ${token.value}`;
  }

  /** The Bearer flow's token request: GET realm?service&scope (Basic credentials if any), or the OAuth2 refresh grant for an identity token. */
  private async fetchToken(registry: string, challenge: Challenge, scopes: string[], creds: Credentials | null, signal?: AbortSignal): Promise<CachedToken> {
    let url: URL;
    try {
      url = new URL(challenge.params.realm ?? '');
    } catch {
      throw new RegistryError('BAD_RESPONSE', `${registry} asked for a token without a valid realm URL`);
    }
    const service = challenge.params.service;
    const request: HttpRequest = { method: 'GET', url, signal, deadlineMs: this.limits.responseTimeoutMs, headers: { accept: 'application/json' } };
    if (creds && 'identityToken' in creds) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'peel' });
      if (service) form.set('service', service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      request.method = 'POST';
      request.body = Buffer.from(form.toString());
      request.headers!['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      if (service) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (creds) {
        url.searchParams.set('account', creds.username);
        request.headers!.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      }
    }
    const res = await this.transport.send(request);
    if (res.statusCode === 401 || res.statusCode === 403) {
      discard(res);
      throw new RegistryError('UNAUTHORIZED', creds
        ? `the token server of ${registry} (${url.host}) refused the credentials`
        : `the token server of ${registry} (${url.host}) refused anonymous access: credentials are needed`, { status: res.statusCode });
    }
    if (res.statusCode !== 200) {
      // Its body is not quoted: a token server that got credentials could echo them back.
      discard(res);
      throw new RegistryError('REGISTRY_ERROR', `the token server of ${registry} (${url.host}) answered ${res.statusCode}`, { status: res.statusCode });
    }
    const body = await readBounded(res, MAX_TOKEN_BODY, `the token of ${registry}`, url);
    let json: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new RegistryError('BAD_RESPONSE', `the token server of ${registry} answered something that is not JSON`);
    }
    const value = typeof json.token === 'string' && json.token ? json.token : typeof json.access_token === 'string' ? json.access_token : '';
    if (!value) throw new RegistryError('BAD_RESPONSE', `the token server of ${registry} sent no token`);
    // The spec's minimum lifetime is 60 s; a few seconds are kept in hand for the request on its way.
    const lifetime = Math.max(60, typeof json.expires_in === 'number' ? json.expires_in : 60);
    const issued = typeof json.issued_at === 'string' ? Date.parse(json.issued_at) : NaN;
    const start = Number.isFinite(issued) ? Math.min(issued, Date.now()) : Date.now();
    return { value, expires: start + (lifetime - 10) * 1000 };
  }

  /** One request to a registry with redirects followed (credentials only to the registry's own origin). */
  private async exchange(base: URL, spec: CallSpec, authorization: string | undefined, signal?: AbortSignal): Promise<{ res: http.IncomingMessage; url: URL }> {
    let url = typeof spec.target === 'string' ? new URL(spec.target, base) : spec.target;
    const visited = new Set([url.href]);
    for (let hops = 0; ; ) {
      const headers = { ...spec.headers };
      if (authorization && url.origin === base.origin) headers.authorization = authorization;
      const res = await this.transport.send({
        method: spec.method, url, headers, body: spec.body, signal,
        deadlineMs: spec.deadline ? this.limits.responseTimeoutMs : undefined,
        bodyIdleWatchedByCaller: spec.streamed,
      });
      if (!spec.follow || !REDIRECTS.has(res.statusCode ?? 0)) return { res, url };
      const location = header(res, 'location');
      discard(res);
      if (!location) throw new RegistryError('BAD_RESPONSE', `${url.host} answered ${res.statusCode} without a Location`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new RegistryError('BAD_RESPONSE', `${url.host} redirected to an invalid URL`);
      }
      if (visited.has(next.href)) throw new RegistryError('REDIRECT_LOOP', `${base.host} redirected in a loop (back to ${where(next)})`);
      if (++hops > this.limits.maxRedirects) throw new RegistryError('TOO_MANY_REDIRECTS', `${base.host} redirected more than ${this.limits.maxRedirects} times`);
      visited.add(next.href);
      url = next;
    }
  }

  /** A request with authentication: learns the challenge from a 401, answers it, gives up after maxAuthRetries. */
  private async call(registry: string, scopes: string[], spec: CallSpec, signal?: AbortSignal): Promise<{ res: http.IncomingMessage; url: URL }> {
    const base = await this.base(registry);
    let wanted = mergeScopes(scopes);
    let fresh = false;
    for (let attempt = 0; ; attempt++) {
      const authorization = await this.authorization(registry, wanted, fresh, signal);
      const { res, url } = await this.exchange(base, spec, authorization, signal);
      if (res.statusCode !== 401) return { res, url };
      const challenges = parseChallenges(res.headers['www-authenticate']);
      discard(res);
      if (url.origin !== base.origin) throw new RegistryError('UNAUTHORIZED', `${url.host}, where ${registry} redirected, answered 401`, { status: 401 });
      const creds = this.credentials(registry);
      if (attempt >= this.limits.maxAuthRetries) {
        throw new RegistryError('AUTH_LOOP', `${registry} still answered 401 Unauthorized after ${this.limits.maxAuthRetries} authentications (${creds ? 'with' : 'without'} credentials) for ${wanted.join(' ') || 'the request'}: access is missing`, { status: 401 });
      }
      const bearer = challenges.find((c) => c.scheme === 'bearer');
      const basic = challenges.find((c) => c.scheme === 'basic');
      if (bearer) {
        this.challenges.set(registry, bearer);
        wanted = mergeScopes(scopes, bearer.params.scope ? [bearer.params.scope] : []);
        fresh = authorization?.startsWith('Bearer ') ?? false;
      } else if (basic) {
        if (!creds || !('username' in creds)) throw new RegistryError('UNAUTHORIZED', `${registry} needs a user name and password (HTTP basic)`, { status: 401 });
        if (authorization?.startsWith('Basic ')) throw new RegistryError('UNAUTHORIZED', `${registry} refused the user name and password`, { status: 401 });
        this.challenges.set(registry, basic);
      } else {
        throw new RegistryError('UNAUTHORIZED', `${registry} answered 401 without a challenge Peel can answer (Basic or Bearer)`, { status: 401 });
      }
    }
  }

  async manifest(ref: ImageReference, signal?: AbortSignal): Promise<FetchedManifest> {
    const reference = ref.digest ?? ref.tag;
    if (!reference) throw new RegistryError('BAD_REFERENCE', `${formatReference(ref)} names neither a tag nor a digest`);
    const what = `the manifest of ${formatReference(ref)}`;
    const { res, url } = await this.call(ref.registry, [pullScope(ref.repository)], {
      method: 'GET', target: `/v2/${ref.repository}/manifests/${reference}`, headers: { accept: MANIFEST_ACCEPT }, follow: true, deadline: true,
    }, signal);
    if (res.statusCode !== 200) throw await responseError(res, what, url);
    const bytes = await readBounded(res, this.limits.maxManifestBytes, what, url);
    const computed = digestOf(bytes, ref.digest ? algorithmOf(ref.digest) : 'sha256');
    if (ref.digest && computed !== ref.digest) {
      throw new RegistryError('DIGEST_MISMATCH', `${url.host} sent ${what} with digest ${computed}, not the one asked for`);
    }
    const declared = header(res, 'docker-content-digest');
    if (declared !== undefined) {
      const algorithm = algorithmOf(declared);
      const mine = algorithm === algorithmOf(computed) ? computed : ['sha256', 'sha512'].includes(algorithm) ? digestOf(bytes, algorithm) : null;
      if (mine !== declared) throw new RegistryError('DIGEST_MISMATCH', `${url.host} sent ${what} whose bytes have digest ${computed}, not the ${declared} it declared`);
    }
    return parseManifest(bytes, ref.digest ?? computed, header(res, 'content-type'), what);
  }

  async resolveImage(ref: ImageReference, platform?: Platform, signal?: AbortSignal): Promise<FetchedManifest> {
    let manifest = await this.manifest(ref, signal);
    const wanted = platform ?? hostPlatform();
    for (let depth = 0; manifest.index; depth++) {
      if (depth >= MAX_INDEX_DEPTH) throw new RegistryError('BAD_RESPONSE', `${formatReference(ref)} nests indexes more than ${MAX_INDEX_DEPTH} deep`);
      const manifests = manifest.index.manifests;
      const chosen = pickPlatform(manifests, wanted) ?? (manifests.length === 1 && !manifests[0]!.platform && INDEX_TYPES.includes(manifests[0]!.mediaType) ? manifests[0] : undefined);
      if (!chosen) {
        const offered = manifests.filter((m) => m.platform && m.platform.os !== 'unknown').map((m) => formatPlatform(m.platform));
        throw new RegistryError('NO_SUCH_PLATFORM', `${formatReference(ref)} has no image for ${formatPlatform(wanted)} (it has ${offered.join(', ') || 'none'})`);
      }
      const child = await this.manifest({ ...ref, tag: null, digest: chosen.digest }, signal);
      if (child.bytes.length !== chosen.size) {
        throw new RegistryError('SIZE_MISMATCH', `the manifest ${chosen.digest} of ${formatReference(ref)} is ${child.bytes.length} bytes, not the ${chosen.size} its index says`);
      }
      manifest = child;
    }
    return manifest;
  }

  async blob(ref: ImageReference, descriptor: Pick<Descriptor, 'digest' | 'size'>, signal?: AbortSignal): Promise<Readable> {
    checkDigest(descriptor.digest);
    const what = `blob ${descriptor.digest} of ${ref.registry}/${ref.repository}`;
    const { res, url } = await this.call(ref.registry, [pullScope(ref.repository)], { method: 'GET', target: `/v2/${ref.repository}/blobs/${descriptor.digest}`, follow: true, streamed: true }, signal);
    if (res.statusCode !== 200) throw await responseError(res, what, url);
    const length = header(res, 'content-length');
    if (length !== undefined && Number(length) !== descriptor.size) {
      res.destroy();
      throw new RegistryError('SIZE_MISMATCH', `${what} is announced as ${length} bytes, not its ${descriptor.size}`);
    }
    return verifying(res, descriptor, what, url, this.limits.idleTimeoutMs);
  }

  async tags(repository: Omit<ImageReference, 'tag' | 'digest'>, page?: { n?: number; last?: string }, signal?: AbortSignal): Promise<TagPage> {
    const query = new URLSearchParams();
    if (page?.n !== undefined) query.set('n', String(page.n));
    if (page?.last !== undefined) query.set('last', page.last);
    const what = `the tags of ${repository.registry}/${repository.repository}`;
    const { res, url } = await this.call(repository.registry, [pullScope(repository.repository)], {
      method: 'GET', target: `/v2/${repository.repository}/tags/list${query.size ? `?${query}` : ''}`, follow: true, deadline: true,
    }, signal);
    if (res.statusCode !== 200) throw await responseError(res, what, url);
    const link = nextLink(res.headers.link);
    const body = await readBounded(res, MAX_TAGS_BODY, what, url);
    let tags: string[];
    try {
      const json = JSON.parse(body.toString('utf8')) as { tags?: unknown };
      tags = Array.isArray(json.tags) ? json.tags.filter((t): t is string => typeof t === 'string') : [];
    } catch {
      throw new RegistryError('BAD_RESPONSE', `${what} is not valid JSON`);
    }
    if (link !== null) {
      let next: string | null = null;
      try {
        next = new URL(link, url).searchParams.get('last');
      } catch {
        throw new RegistryError('BAD_RESPONSE', `${what}: the Link header is not a URL`);
      }
      return { tags, next };
    }
    // No Link: the registry answered everything (distribution 2.8 ignores n and last), so the page is cut here, in tag order.
    if (page?.n === undefined && page?.last === undefined) return { tags, next: null };
    const after = [...tags].sort().filter((t) => page.last === undefined || t > page.last);
    const n = page.n ?? after.length;
    const slice = after.slice(0, n);
    return { tags: slice, next: after.length > n && slice.length > 0 ? slice[slice.length - 1]! : null };
  }

  private async headBlob(ref: ImageReference, digest: string, scopes: string[], signal?: AbortSignal): Promise<boolean> {
    checkDigest(digest);
    const { res, url } = await this.call(ref.registry, scopes, { method: 'HEAD', target: `/v2/${ref.repository}/blobs/${digest}`, follow: true, deadline: true }, signal);
    if (res.statusCode === 200) {
      discard(res);
      return true;
    }
    if (res.statusCode === 404) {
      discard(res);
      return false;
    }
    throw await responseError(res, `checking blob ${digest} in ${ref.registry}/${ref.repository}`, url);
  }

  hasBlob(ref: ImageReference, digest: string, signal?: AbortSignal): Promise<boolean> {
    return this.headBlob(ref, digest, [pullScope(ref.repository)], signal);
  }

  /** An upload session's URL: on the registry's own origin, or refused (a hostile registry could send the blob elsewhere). */
  private sessionUrl(res: http.IncomingMessage, from: URL, base: URL, what: string): URL {
    const location = header(res, 'location');
    if (!location) throw new RegistryError('BAD_RESPONSE', `${what}: ${base.host} answered ${res.statusCode} without a Location`);
    let url: URL;
    try {
      url = new URL(location, from);
    } catch {
      throw new RegistryError('BAD_RESPONSE', `${what}: ${base.host} sent an invalid upload Location`);
    }
    if (url.origin !== base.origin) {
      throw new RegistryError('HOSTILE_LOCATION', `${what}: ${base.host} sent an upload Location on another origin (${url.protocol}//${url.host}): refused`);
    }
    return url;
  }

  async pushBlob(
    ref: ImageReference,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    open: () => Promise<Readable>,
    options: { mountFrom?: string; onProgress?: (bytes: number) => void; signal?: AbortSignal } = {},
  ): Promise<'exists' | 'mounted' | 'uploaded'> {
    const { digest, size } = descriptor;
    const { signal, onProgress } = options;
    checkDigest(digest);
    const what = `pushing blob ${digest} to ${ref.registry}/${ref.repository}`;
    const mountFrom = options.mountFrom !== undefined && options.mountFrom !== ref.repository ? options.mountFrom : undefined;
    // One token for everything the push needs: pull+push here, pull where the blob is mounted from.
    const scopes = mergeScopes([pushScope(ref.repository)], mountFrom ? [pullScope(mountFrom)] : []);
    const base = await this.base(ref.registry);
    if (await this.headBlob(ref, digest, scopes, signal)) {
      onProgress?.(size);
      return 'exists';
    }
    const uploads = `/v2/${ref.repository}/blobs/uploads/`;
    let session: URL | null = null;
    if (mountFrom) {
      try {
        const { res, url } = await this.call(ref.registry, scopes, { method: 'POST', target: `${uploads}?${new URLSearchParams({ mount: digest, from: mountFrom })}`, deadline: true }, signal);
        if (res.statusCode === 201) {
          discard(res);
          onProgress?.(size);
          return 'mounted';
        }
        if (res.statusCode !== 202) throw await responseError(res, what, url);
        session = this.sessionUrl(res, url, base, what);
        discard(res);
      } catch (e) {
        // A token without pull on the source repository: upload the blob instead of mounting it.
        if (!(e instanceof RegistryError) || !['UNAUTHORIZED', 'AUTH_LOOP', 'DENIED'].includes(e.code)) throw e;
      }
    }
    const pushOnly = [pushScope(ref.repository)];
    if (!session) {
      const { res, url } = await this.call(ref.registry, pushOnly, { method: 'POST', target: uploads, body: Buffer.alloc(0), deadline: true }, signal);
      if (res.statusCode !== 202) throw await responseError(res, what, url);
      session = this.sessionUrl(res, url, base, what);
      discard(res);
    }
    try {
      await this.upload(ref, base, session, descriptor, await open(), pushOnly, what, onProgress, signal);
    } catch (e) {
      // Nothing half-stored: the session is cancelled (best effort, the error stands).
      const cancel = session;
      await this.call(ref.registry, pushOnly, { method: 'DELETE', target: cancel, deadline: true })
        .then(({ res }) => discard(res), () => undefined);
      throw e;
    }
    return 'uploaded';
  }

  private async upload(
    ref: ImageReference, base: URL, start: URL, descriptor: Pick<Descriptor, 'digest' | 'size'>, source: Readable,
    scopes: string[], what: string, onProgress: ((bytes: number) => void) | undefined, signal: AbortSignal | undefined,
  ): Promise<void> {
    const { digest, size } = descriptor;
    let session = start;
    const hash = createHash(algorithmOf(digest));
    let sent = 0;
    let chunkSize = this.chunkBytes;
    const monolithic = size <= chunkSize;
    const chunks = readChunks(source, monolithic ? size + 1 : chunkSize, size, what);
    let body: Buffer = Buffer.alloc(0);
    try {
      for await (const chunk of chunks) {
        hash.update(chunk);
        if (monolithic) {
          body = chunk;
          continue;
        }
        const end = sent + chunk.length - 1;
        const { res, url } = await this.call(ref.registry, scopes, {
          method: 'PATCH', target: session, body: chunk, deadline: true,
          headers: { 'content-type': 'application/octet-stream', 'content-range': `${sent}-${end}` },
        }, signal);
        if (res.statusCode !== 202) throw await responseError(res, what, url);
        session = this.sessionUrl(res, url, base, what);
        const range = /^(?:bytes=)?0-(\d+)$/.exec(header(res, 'range') ?? '');
        discard(res);
        if (range && Number(range[1]) !== end) {
          throw new RegistryError('BAD_RESPONSE', `${what}: ${base.host} holds bytes 0-${range[1]} after a chunk ending at ${end}`);
        }
        sent = end + 1;
        onProgress?.(sent);
        // A registry may ask for bigger chunks (OCI-Chunk-Min-Length); later chunks honour it.
        const min = Number(header(res, 'oci-chunk-min-length') ?? NaN);
        if (min > chunkSize) chunkSize = min;
        chunks.resize(chunkSize);
      }
    } finally {
      source.destroy();
    }
    const got = `${algorithmOf(digest)}:${hash.digest('hex')}`;
    if (got !== digest) throw new RegistryError('DIGEST_MISMATCH', `${what}: the bytes to push have digest ${got}, not ${digest}`);
    const final = new URL(session);
    final.searchParams.set('digest', digest);
    const { res, url } = await this.call(ref.registry, scopes, {
      method: 'PUT', target: final, body, deadline: true, headers: { 'content-type': 'application/octet-stream' },
    }, signal);
    if (res.statusCode !== 201) throw await responseError(res, what, url);
    const stored = header(res, 'docker-content-digest');
    discard(res);
    if (stored !== undefined && stored !== digest) throw new RegistryError('DIGEST_MISMATCH', `${what}: ${base.host} stored it as ${stored}`);
    onProgress?.(size);
  }

  async pushManifest(ref: ImageReference, mediaType: string, bytes: Buffer, signal?: AbortSignal): Promise<string> {
    const digest = digestOf(bytes, ref.digest ? algorithmOf(ref.digest) : 'sha256');
    if (ref.digest && ref.digest !== digest) throw new RegistryError('DIGEST_MISMATCH', `the manifest to push has digest ${digest}, not ${ref.digest}`);
    const what = `pushing the manifest of ${formatReference(ref)}`;
    const { res, url } = await this.call(ref.registry, [pushScope(ref.repository)], {
      method: 'PUT', target: `/v2/${ref.repository}/manifests/${ref.tag ?? digest}`, body: bytes, deadline: true, headers: { 'content-type': mediaType },
    }, signal);
    if (res.statusCode !== 201) throw await responseError(res, what, url);
    const stored = header(res, 'docker-content-digest');
    discard(res);
    if (stored !== undefined && stored !== digest && algorithmOf(stored) === algorithmOf(digest)) {
      throw new RegistryError('DIGEST_MISMATCH', `${what}: ${url.host} stored it as ${stored}, not ${digest}`);
    }
    return digest;
  }
}

/**
 * Cuts a stream into chunks of `size` bytes (the last one shorter), refusing a stream longer than
 * `limit` bytes or shorter than it, at the end.
 */
function readChunks(source: Readable, size: number, limit: number, what: string): AsyncIterable<Buffer> & { resize(n: number): void } {
  let chunkSize = size;
  return {
    resize(n: number) { chunkSize = n; },
    async *[Symbol.asyncIterator]() {
      let parts: Buffer[] = [];
      let held = 0;
      let total = 0;
      for await (const data of source as AsyncIterable<Buffer>) {
        total += data.length;
        if (total > limit) throw new RegistryError('SIZE_MISMATCH', `${what}: the blob to push is longer than its ${limit} bytes`);
        let rest = data;
        while (held + rest.length >= chunkSize) {
          const take = chunkSize - held;
          parts.push(rest.subarray(0, take));
          yield Buffer.concat(parts);
          rest = rest.subarray(take);
          parts = [];
          held = 0;
        }
        if (rest.length) {
          parts.push(rest);
          held += rest.length;
        }
      }
      if (total !== limit) throw new RegistryError('SIZE_MISMATCH', `${what}: the blob to push is ${total} bytes, not ${limit}`);
      if (held) yield Buffer.concat(parts);
    },
  };
}

/** A client of one or more registries; credentials, CAs and bounds come from the options. */
export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClientImpl {
  return new Client(options);
}
