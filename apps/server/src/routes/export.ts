import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Services } from '../services/index.js';
import type { ExportRequest } from '../services/export.js';
import { errors, exportQuery, idParams, imageSummarySchema } from './schemas.js';

export async function exportRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/api/images/:id/export', {
    schema: {
      summary: 'Download the image with its draft applied: an archive docker load, podman, skopeo and umoci read (append, flatten or rewrite)',
      tags: ['export'],
      params: idParams,
      querystring: exportQuery,
      response: {
        200: { description: 'the archive (OCI layout + manifest.json, uncompressed tar)', content: { 'application/x-tar': { schema: { type: 'string', format: 'binary' } } } },
        ...errors(400, 404),
      },
    },
  }, async (req, reply) => {
    const gone = clientGone(reply);
    const prepared = await services.exports.build((req.params as { id: string }).id, req.query as ExportRequest, { signal: gone.signal });
    const { stream, done } = prepared.open();
    // The reply ends (or the client goes away): give the new layers back to the collector.
    void done.finally(() => prepared.finish());
    reply.raw.once('close', () => stream.destroy());
    reply.header('content-type', 'application/x-tar');
    reply.header('content-length', prepared.result.size);
    reply.header('content-disposition', `attachment; filename="${prepared.fileName}"`);
    reply.header('cache-control', 'no-store');
    reply.header('x-peel-config-digest', prepared.result.configDigest);
    return reply.send(stream);
  });

  app.post('/api/images/:id/export/save', {
    schema: {
      summary: 'Store the export as a new image in Peel (to explore and compare it)',
      tags: ['export'],
      params: idParams,
      querystring: exportQuery,
      response: {
        200: { ...imageSummarySchema, description: 'the same archive was stored before: its image' },
        201: { ...imageSummarySchema, description: 'the new image' },
        ...errors(400, 403, 404),
      },
    },
  }, async (req, reply) => {
    const gone = clientGone(reply);
    const { summary, created } = await services.exports.save((req.params as { id: string }).id, req.query as ExportRequest, gone.signal);
    return reply.status(created ? 201 : 200).send(summary);
  });
}

/** Aborts when the connection closes before the reply has been sent in full. */
function clientGone(reply: FastifyReply): AbortController {
  const ac = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  return ac;
}
