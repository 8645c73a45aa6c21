import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { findingsResponseSchema } from '@peel/api/schemas';
import type { FindingsService } from '../services/findings.js';
import { described, errors, idParams } from './schemas.js';

export async function findingsRoutes(base: FastifyInstance, { findings }: { findings: FindingsService }): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/images/:id/findings', {
    schema: {
      summary: 'Sizes, waste and baked-in secrets (deleted ones included); computed on first request, then cached',
      tags: ['findings'],
      params: idParams,
      response: { 200: described(findingsResponseSchema, 'the findings'), ...errors(404, 413) },
    },
  }, async (req) => findings.get(req.params.id));
}
