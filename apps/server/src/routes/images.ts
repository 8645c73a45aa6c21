import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { imageDetailSchema, imageSummarySchema } from '@peel/api/schemas';
import type { Services } from '../services/index.js';
import { ApiError } from '../errors.js';
import { described, errors, idParams, noContent } from './schemas.js';
import { rawBody } from '../http/raw-body.js';

const UPLOAD_TYPES = ['application/x-tar', 'application/octet-stream', 'application/gzip', 'application/x-gzip', 'application/zstd'];

export async function imageRoutes(base: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/images', {
    schema: {
      summary: 'List stored images, newest first',
      tags: ['images'],
      response: { 200: Type.Array(imageSummarySchema, { description: 'the stored images' }) },
    },
  }, async () => services.images.list());

  // The archive is the raw body; it is streamed into the engine, never buffered.
  await app.register(async (raw) => {
    const scope = raw.withTypeProvider<TypeBoxTypeProvider>();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.post('/api/images', {
      schema: {
        summary: 'Upload an image archive (docker save, OCI, containerd export) as the raw request body',
        tags: ['images'],
        querystring: Type.Object({
          name: Type.Optional(Type.String({ maxLength: 1024 })),
          platform: Type.Optional(Type.String({ maxLength: 128 })),
          tag: Type.Optional(Type.String({ maxLength: 1024 })),
        }),
        consumes: UPLOAD_TYPES,
        response: {
          200: described(imageSummarySchema, 'the same archive was uploaded before: its image'),
          201: described(imageSummarySchema, 'the image, stored and indexed'),
          ...errors(400, 403, 413, 415),
        },
      },
    }, async (req, reply) => {
      const body = rawBody(req.body);
      if (!body) {
        throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `send the archive as the raw body (Content-Type: ${UPLOAD_TYPES.slice(0, 2).join(' or ')})`);
      }
      const q = req.query;
      const ac = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableFinished) ac.abort();
      };
      reply.raw.on('close', onClose);
      const length = req.headers['content-length'];
      try {
        const { summary, created } = await services.ingest.ingest({
          body,
          name: q.name,
          platform: q.platform,
          tag: q.tag,
          contentLength: length === undefined ? undefined : Number(length),
          signal: ac.signal,
        });
        return reply.status(created ? 201 : 200).send(summary);
      } finally {
        reply.raw.off('close', onClose);
      }
    });
  });

  app.get('/api/images/:id', {
    schema: {
      summary: 'An image: config, layers, history, platforms, problems',
      tags: ['images'],
      params: idParams,
      response: { 200: described(imageDetailSchema, 'the image'), ...errors(404) },
    },
  }, async (req) => services.images.detail(req.params.id));

  app.delete('/api/images/:id', {
    schema: {
      summary: 'Delete an image (blobs other images use stay)',
      tags: ['images'],
      params: idParams,
      response: { 204: noContent('deleted'), ...errors(403, 404) },
    },
  }, async (req, reply) => {
    await services.images.delete(req.params.id);
    return reply.status(204).send();
  });
}
