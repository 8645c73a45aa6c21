/** JSON Schemas of the Docker routes (mirroring the Docker types of @peel/api). */
import { errorSchema, imageSummarySchema } from './schemas.js';

type Schema = Record<string, unknown>;
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({ type: 'object', properties, required });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });

export const dockerStatusSchema = obj({
  available: bool, host: str, version: nullable(str), apiVersion: nullable(str), reason: nullable(str), runs: bool, runsReason: nullable(str),
});

export const dockerImageSchema = obj({ id: str, tags: arrayOf(str), ref: str, size: int, created: str });

/** A tag, digest reference or id: no spaces, no control characters. */
const ref = { type: 'string', minLength: 1, maxLength: 512, pattern: '^[^\\s\\x00-\\x1f]+$' };
export const dockerOpenRequestSchema: Schema = { ...obj({ ref }), additionalProperties: false };
export const dockerLookupQuery = obj({ ref });
export const dockerImageLookupSchema = obj({ ref: str, image: nullable(dockerImageSchema) });

export const dockerOpenJobSchema = obj({
  id: str, ref: str, state: { enum: ['streaming', 'indexing', 'done', 'failed', 'cancelled'] }, loaded: int, total: nullable(int),
  image: nullable(imageSummarySchema), error: nullable(obj({ code: str, message: str })),
});

export const dockerLoadResultSchema = obj({ loaded: str, tags: arrayOf(str) });

const arg = { type: 'string', maxLength: 8192 };
export const dockerRunRequestSchema: Schema = {
  ...obj(
    {
      ref,
      cmd: { type: 'array', items: arg, maxItems: 256 },
      entrypoint: { type: 'array', items: arg, maxItems: 256 },
      env: { type: 'array', items: { type: 'string', maxLength: 8192, pattern: '^[^=\\x00]+=' }, maxItems: 256 },
      tty: bool,
    },
    ['ref'],
  ),
  additionalProperties: false,
};

export const dockerRunSchema = obj({
  id: str, containerId: str, ref: str, tty: bool, state: { enum: ['created', 'running', 'exited', 'stopped', 'failed'] },
  exitCode: nullable(int), output: str, stdout: str, stderr: str, truncated: bool, error: nullable(str),
  startedAt: nullable(str), finishedAt: nullable(str), limits: obj({ memoryBytes: int, pids: int, seconds: int }),
});

export const uuidParams = obj({ id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } });
export const attachQuery = obj({ cols: { type: 'integer', minimum: 1, maximum: 1000 }, rows: { type: 'integer', minimum: 1, maximum: 1000 } }, []);

const ERROR_TEXT: Record<number, string> = {
  400: 'bad input (the error code says which)',
  403: 'refused: foreign Host or Origin, or runs are off on this server',
  404: 'no such image, job or run',
  409: 'the run is not in a state for that (already attached, not a TTY run)',
  429: 'too many opens or runs at once',
  502: 'the Docker engine failed',
  503: 'no Docker engine reachable (the message says why)',
};
export const dockerErrors = (...codes: number[]): Record<number, Schema> =>
  Object.fromEntries(codes.map((c) => [c, { ...errorSchema, description: ERROR_TEXT[c] ?? 'error' }]));
