import type { FastifyInstance } from 'fastify';
import { healthSchema } from './schemas.js';

export async function metaRoutes(app: FastifyInstance, { openapi }: { openapi: () => Record<string, unknown> }): Promise<void> {
  app.get('/api/health', {
    schema: { summary: 'Liveness, for scripts and test runners', tags: ['meta'], response: { 200: healthSchema } },
  }, async () => ({ ok: true as const }));

  app.get('/api/openapi.json', {
    schema: {
      summary: 'This API, as an OpenAPI 3.1 document',
      tags: ['meta'],
      response: { 200: { type: 'object', additionalProperties: true, description: 'the OpenAPI document' } },
    },
  }, async () => openapi());
}
