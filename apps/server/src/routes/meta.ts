import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { healthSchema } from '@peel/api/schemas';

export async function metaRoutes(base: FastifyInstance, { openapi }: { openapi: () => object }): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/health', {
    schema: { summary: 'Liveness, for scripts and test runners', tags: ['meta'], response: { 200: { ...healthSchema, description: 'the server answers' } } },
  }, async () => ({ ok: true as const }));

  app.get('/api/openapi.json', {
    schema: {
      summary: 'This API, as an OpenAPI 3.1 document',
      tags: ['meta'],
      response: { 200: Type.Object({}, { additionalProperties: true, description: 'the OpenAPI document' }) },
    },
  }, async () => openapi());
}
