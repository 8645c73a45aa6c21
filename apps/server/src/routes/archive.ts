import type { FastifyInstance } from 'fastify';
import type { Services } from '../services/index.js';
import { sendContent } from '../http/send-content.js';
import { archiveEntrySchema, binaryResponse, errors, idParams, pathQuery } from './schemas.js';

const JSON_ROLES = new Set(['manifest.json', 'index.json', 'oci-layout', 'repositories', 'index', 'manifest', 'config', 'legacy-json']);

export async function archiveRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/api/images/:id/archive', {
    schema: {
      summary: "The uploaded archive's own entries (manifest.json, index.json, blobs…)",
      tags: ['archive'],
      params: idParams,
      response: { 200: { type: 'array', items: archiveEntrySchema }, ...errors(404) },
    },
  }, async (req) => services.archive.entries((req.params as { id: string }).id));

  app.get('/api/images/:id/archive/content', {
    schema: {
      summary: 'The bytes of one archive entry (JSON entries as application/json)',
      tags: ['archive'],
      params: idParams,
      querystring: { type: 'object', properties: { path: pathQuery, download: { type: 'string', enum: ['0', '1', 'true', 'false'] } }, required: ['path'] },
      response: { 200: binaryResponse('the entry'), 206: binaryResponse('the requested byte range'), ...errors(400, 404, 416) },
    },
  }, async (req, reply) => {
    const q = req.query as { path: string; download?: string };
    const file = await services.archive.file((req.params as { id: string }).id, q.path);
    const isJson = JSON_ROLES.has(file.entry.role) || file.name.endsWith('.json');
    return sendContent(req, reply, file, isJson ? 'application/json; charset=utf-8' : 'application/octet-stream', q.download === '1' || q.download === 'true');
  });
}
