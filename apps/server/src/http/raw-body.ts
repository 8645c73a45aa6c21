import { Readable } from 'node:stream';

/**
 * The body a route's `*` content-type parser handed over untouched: the request stream itself,
 * or undefined when the request had no body to parse.
 */
export function rawBody(body: unknown): Readable | undefined {
  return body instanceof Readable ? body : undefined;
}
