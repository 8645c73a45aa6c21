/**
 * What the routes add to the contract's shapes (@peel/api/schemas): path and query parameters,
 * error replies, binary bodies. Fastify validates requests with them, they type the handlers
 * (TypeBox type provider), and @fastify/swagger publishes them as `/api/openapi.json`.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { StringEnum, apiErrorBodySchema, exportCompressionSchema, exportModeSchema } from '@peel/api/schemas';

export const idParam = Type.String({ minLength: 1, maxLength: 128 });
export const idParams = Type.Object({ id: idParam });
export const pathQuery = Type.String({ maxLength: 65536 });
export const layerParam = Type.Integer({ minimum: 0, maximum: 100000 });

/** A yes/no query parameter (`deleted=1`, `draft=true`). */
export const flag = (options?: { description?: string }) => Type.Optional(StringEnum(['0', '1', 'true', 'false'], options));
export const isOn = (v: string | undefined): boolean => v === '1' || v === 'true';

export const modeQuery = Type.Integer({ minimum: 0, maximum: 0o7777, description: 'permission bits as a number, as in JSON bodies: 420 = 0o644' });
export const ownerQuery = Type.Integer({ minimum: 0, maximum: 2147483647 });

export const exportQuery = Type.Object({
  mode: exportModeSchema,
  tag: Type.Optional(Type.String({ maxLength: 512 })),
  compression: Type.Optional(exportCompressionSchema),
});

/** A reply whose body is bytes, not JSON (documented, never serialised). */
export const binaryResponse = (description: string, type = 'application/octet-stream') => ({
  description,
  content: { [type]: { schema: { type: 'string', format: 'binary' } } },
});

/** A reply without a body. */
export const noContent = (description: string) => ({ description, type: 'null' as const });

/** A JSON reply with its own description in the document. */
export const described = <T extends TSchema>(schema: T, description: string): T => ({ ...schema, description });

const ERROR_TEXT = {
  400: 'bad input (the error code says which)',
  403: 'refused: foreign Host or Origin',
  404: 'no such image, layer, path or draft change',
  409: 'the draft change cannot be discarded: a later change needs it',
  413: 'upload or decompression limit exceeded',
  415: 'unsupported archive format or media type',
  416: 'the range is outside the file',
};

const DOCKER_ERROR_TEXT = {
  400: 'bad input (the error code says which)',
  403: 'refused: foreign Host or Origin, or runs are off on this server',
  404: 'no such image, job or run',
  409: 'the run is not in a state for that (already attached, not a TTY run)',
  429: 'too many opens or runs at once',
  502: 'the Docker engine failed',
  503: 'no Docker engine reachable (the message says why)',
};

type ErrorReplies<C extends number> = { [K in C]: typeof apiErrorBodySchema };
export const errorReplies = (text: Record<number, string>) => <const C extends number>(...codes: C[]): ErrorReplies<C> =>
  Object.fromEntries(codes.map((c) => [c, described(apiErrorBodySchema, text[c] ?? 'error')])) as ErrorReplies<C>;

/** Standard error replies (an ApiErrorBody each), for validation of the reply and the document. */
export const errors = errorReplies(ERROR_TEXT);
export const dockerErrors = errorReplies(DOCKER_ERROR_TEXT);
