import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { archiveEntrySchema } from '@peel/api/schemas';
import type { Services } from '../services/index.js';
import { sendContent } from '../http/send-content.js';
import { binaryResponse, errors, flag, idParams, isOn, pathQuery } from './schemas.js';

const JSON_ROLES = new Set(['manifest.json', 'index.json', 'oci-layout', 'repositories', 'index', 'manifest', 'config', 'legacy-json']);

export async function archiveRoutes(base: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/images/:id/archive', {
    schema: {
      summary: "The uploaded archive's own entries (manifest.json, index.json, blobs…)",
      tags: ['archive'],
      params: idParams,
      response: { 200: Type.Array(archiveEntrySchema, { description: "the archive's entries, in archive order" }), ...errors(404) },
    },
  }, async (req) => services.archive.entries(req.params.id));

  app.get('/api/images/:id/archive/content', {
    schema: {
      summary: 'The bytes of one archive entry (JSON entries as application/json)',
      tags: ['archive'],
      params: idParams,
      querystring: Type.Object({ path: pathQuery, download: flag() }),
      response: { 200: binaryResponse('the entry'), 206: binaryResponse('the requested byte range'), ...errors(400, 404, 416) },
    },
  }, async (req, reply) => {
    const q = req.query;
    const file = await services.archive.file(req.params.id, q.path);
    const isJson = JSON_ROLES.has(file.entry.role) || file.name.endsWith('.json');
    return sendContent(req, reply, file, isJson ? 'application/json; charset=utf-8' : 'application/octet-stream', isOn(q.download));
  });
}
