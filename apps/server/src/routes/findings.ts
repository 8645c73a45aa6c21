import type { FastifyInstance } from 'fastify';
import type { FindingsService } from '../services/findings.js';
import { errors, idParams } from './schemas.js';
import { findingsSchema } from './findings-schema.js';

export async function findingsRoutes(app: FastifyInstance, { findings }: { findings: FindingsService }): Promise<void> {
  app.get('/api/images/:id/findings', {
    schema: {
      summary: 'Sizes, waste and baked-in secrets (deleted ones included); computed on first request, then cached',
      tags: ['findings'],
      params: idParams,
      response: { 200: findingsSchema, ...errors(404) },
    },
  }, async (req) => findings.get((req.params as { id: string }).id));
}
