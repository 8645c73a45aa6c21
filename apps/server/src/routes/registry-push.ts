import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { registryPushJobSchema, registryPushRequestSchema } from '@peel/api/schemas';
import type { Services } from '../services/index.js';
import type { RegistryClient } from '@peel/registry';
import { RegistryPushJobs } from '../services/registry-push.js';
import { described, errorReplies, idParams } from './schemas.js';

const uuidParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });

const pushErrors = errorReplies({
  400: 'a malformed reference (or one with a digest), mode or compression; or a registry Peel may not reach over plain HTTP',
  403: 'refused: foreign Host, or a page of another site (these routes reach other hosts)',
  404: 'no such image, or no such job',
  429: 'too many pushes at once',
});

export interface RegistryPushRoutesOptions {
  services: Services;
  /** The client to push with: the opening side's, so that credentials typed in for the session serve pushes too. */
  client: RegistryClient;
  /** Where a push's failure that is Peel's own fault (a 5xx) is logged. */
  logFailure: (err: unknown, message: string) => void;
}

/** Pushing an image with its draft applied to a registry, in the background. */
export async function registryPushRoutes(base: FastifyInstance, opts: RegistryPushRoutesOptions): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const pushes = new RegistryPushJobs(opts.services.exports, opts.services.images, opts.client, opts.logFailure);
  app.addHook('onClose', () => pushes.cancelAll());

  app.post('/api/images/:id/export/registry', {
    schema: {
      summary: 'Push the export (the draft applied: append, flatten or rewrite) to a registry in the background; poll the job for bytes pushed and the digest',
      tags: ['registry', 'export'],
      params: idParams,
      body: registryPushRequestSchema,
      response: { 202: described(registryPushJobSchema, 'the job, started'), ...pushErrors(400, 403, 404, 429) },
    },
  }, async (req, reply) => reply.status(202).send(await pushes.start(req.params.id, req.body)));

  app.get('/api/registry/push-jobs/:id', {
    schema: { summary: 'A push job: state, bytes pushed of the total, each blob (exists, mounted, uploaded), the digest when done', tags: ['registry'], params: uuidParams, response: { 200: described(registryPushJobSchema, 'the job'), ...pushErrors(403, 404) } },
  }, async (req) => pushes.get(req.params.id));

  app.delete('/api/registry/push-jobs/:id', {
    schema: { summary: 'Cancel a push job (the manifest is not put: the tag stays as it was)', tags: ['registry'], params: uuidParams, response: { 200: described(registryPushJobSchema, 'the job, cancelling'), ...pushErrors(403, 404) } },
  }, async (req) => pushes.cancel(req.params.id));
}
