import type { FastifySerializerCompiler } from 'fastify';
import { FormatRegistry, Kind, type TSchema } from '@sinclair/typebox';
import type { ValueError } from '@sinclair/typebox/errors';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ApiError } from '../errors.js';

// TypeBox checks formats only when told what they mean.
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v));

const isTypeBox = (schema: unknown): schema is TSchema => typeof schema === 'object' && schema !== null && Kind in schema;

/**
 * Replies are written with plain JSON.stringify, whatever their schema: it keeps every field
 * (fast-json-stringify would drop the ones a schema does not list) and escapes lone surrogates
 * (non-UTF-8 names) the way JSON.parse reads them back. With `check`, each JSON reply is first
 * read back and checked against its route's schema for that status, and a reply that breaks
 * its contract is a 500 naming the field: the test suites run so, so a reply and its
 * documented shape cannot drift apart unnoticed. Off in production, where it would cost a
 * second pass over every listing.
 */
export function replySerializer(check: boolean): FastifySerializerCompiler<unknown> {
  return ({ schema, method, url, httpStatus }) => {
    if (!check || !isTypeBox(schema)) return (data) => JSON.stringify(data);
    const checker = TypeCompiler.Compile(schema);
    return (data) => {
      const json = JSON.stringify(data);
      const sent: unknown = json === undefined ? undefined : JSON.parse(json);
      if (!checker.Check(sent)) {
        throw new ApiError(500, 'REPLY_SCHEMA', `the ${httpStatus} reply of ${method} ${url} breaks its schema at ${describe(checker.Errors(sent).First())}`);
      }
      return json;
    };
  };
}


/** Where and how a value breaks its schema; for a union (a list or a page), how it breaks each branch. */
function describe(error: ValueError | undefined): string {
  if (!error) return '/: invalid';
  const branches = error.errors.map((e) => e.First()).filter((e) => e !== undefined).map((e) => describe(e));
  return `${error.path || '/'}: ${error.message}${branches.length > 0 ? ` (${branches.join('; ')})` : ''}`;
}
