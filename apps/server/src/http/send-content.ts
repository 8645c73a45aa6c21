import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ContentHandle } from '../services/content.js';
import { CONTENT_CSP } from './security.js';
import { parseRange } from './range.js';

/** Raster images are safe to show as such; everything else from an image is opaque bytes. */
const SAFE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
  avif: 'image/avif',
};

/** The Content-Type for bytes from an image: never HTML, SVG or script. */
export function safeContentType(name: string): string {
  const ext = name.match(/\.([A-Za-z0-9]+)$/)?.[1]?.toLowerCase();
  return (ext && SAFE_TYPES[ext]) || 'application/octet-stream';
}

/**
 * Sends file bytes with the headers that keep them inert in our origin (sandbox CSP, nosniff,
 * a safe type), honouring a single byte `Range` and `If-None-Match` on the content digest.
 */
export function sendContent(req: FastifyRequest, reply: FastifyReply, content: ContentHandle, type: string, download: boolean): FastifyReply {
  reply.header('content-security-policy', CONTENT_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('accept-ranges', 'bytes');
  reply.header('cache-control', 'private, no-cache');
  reply.header('content-disposition', `${download ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeRfc5987(content.name)}`);
  reply.type(type);
  if (content.digest) {
    const etag = `"${content.digest}"`;
    reply.header('etag', etag);
    if (req.headers['if-none-match'] === etag) return reply.status(304).send();
  }
  const range = parseRange(req.headers.range, content.size);
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${content.size}`);
    return reply.status(416).type('application/json; charset=utf-8').send({ error: { code: 'RANGE_NOT_SATISFIABLE', message: `the file has ${content.size} bytes` } });
  }
  if (range) {
    reply.status(206);
    reply.header('content-range', `bytes ${range.start}-${range.end - 1}/${content.size}`);
    reply.header('content-length', range.end - range.start);
    return reply.send(content.open(range));
  }
  reply.header('content-length', content.size);
  return reply.send(content.size === 0 ? '' : content.open());
}

function encodeRfc5987(s: string): string {
  // Lone surrogates (non-UTF-8 names) cannot be percent-encoded as UTF-8: replace them.
  return encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '_')).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
