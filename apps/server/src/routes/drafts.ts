import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import type { DraftOpRequest, DraftTagRequest } from '@peel/api';
import type { Services } from '../services/index.js';
import { badRequest } from '../errors.js';
import {
  configPatchSchema, draftOpRequestSchema, draftStateSchema, draftTagRequestSchema, errors, flag, idParam, idParams, isOn, modeQuery, ownerQuery, pathQuery,
} from './schemas.js';

const draftReply = { 200: draftStateSchema };
const pathOnly = { type: 'object', properties: { path: pathQuery }, required: ['path'] };
const deleteQuery = {
  type: 'object',
  properties: { path: pathQuery, fromEveryLayer: { ...flag, description: '1: meant to leave every layer (a secret): exports default to rewrite' } },
  required: ['path'],
};

/** The fields each op needs, checked here for a message that names the missing one. */
const REQUIRED: Record<DraftOpRequest['op'], string[]> = {
  mkdir: ['path'], symlink: ['path', 'target'], rename: ['from', 'to'], chmod: ['path', 'mode'], chown: ['path', 'uid', 'gid'], delete: ['path'],
};

export async function draftRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const drafts = services.drafts;
  const id = (req: { params: unknown }) => (req.params as { id: string }).id;

  app.get('/api/images/:id/draft', {
    schema: { summary: "The image's draft: pending changes, config patch, tag, sizes", tags: ['draft'], params: idParams, response: { ...draftReply, ...errors(404) } },
  }, async (req) => drafts.state(id(req)));

  app.delete('/api/images/:id/draft', {
    schema: { summary: 'Discard the whole draft (changes, config patch, tag)', tags: ['draft'], params: idParams, response: { ...draftReply, ...errors(403, 404) } },
  }, async (req) => drafts.clear(id(req)));

  // The new bytes are the raw body, whatever its type (a .json file is bytes too).
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.put('/api/images/:id/draft/content', {
      schema: {
        summary: "Write a file's new bytes into the draft (raw body; creates missing folders; a symlink is written through)",
        tags: ['draft'],
        params: idParams,
        querystring: { type: 'object', properties: { path: pathQuery, mode: modeQuery, uid: ownerQuery, gid: ownerQuery }, required: ['path'] },
        consumes: ['application/octet-stream', '*/*'],
        response: { ...draftReply, ...errors(400, 403, 404, 413) },
      },
    }, async (req, reply) => {
      const q = req.query as { path: string; mode?: number; uid?: number; gid?: number };
      const body = (req.body as Readable | undefined) ?? Readable.from([]);
      const ac = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableFinished) ac.abort();
      };
      reply.raw.on('close', onClose);
      try {
        return await drafts.write(id(req), q.path, body, { mode: q.mode, uid: q.uid, gid: q.gid }, ac.signal);
      } finally {
        reply.raw.off('close', onClose);
      }
    });
  });

  app.delete('/api/images/:id/draft/content', {
    schema: {
      summary: 'Delete a file or folder in the draft (a path only lower layers hold: purged by the rewrite export)',
      tags: ['draft'], params: idParams, querystring: deleteQuery, response: { ...draftReply, ...errors(400, 403, 404) },
    },
  }, async (req) => {
    const q = req.query as { path: string; fromEveryLayer?: string };
    return drafts.apply(id(req), { op: 'delete', path: q.path, fromEveryLayer: isOn(q.fromEveryLayer) });
  });

  app.post('/api/images/:id/draft/ops', {
    schema: {
      summary: 'Add a change: mkdir, symlink, rename, chmod, chown or delete (paths absolute, mode as a number)',
      tags: ['draft'], params: idParams, body: draftOpRequestSchema, response: { ...draftReply, ...errors(400, 403, 404) },
    },
  }, async (req) => {
    const body = req.body as DraftOpRequest;
    const missing = REQUIRED[body.op].filter((k) => (body as unknown as Record<string, unknown>)[k] === undefined);
    if (missing.length) throw badRequest('BAD_DRAFT_OP', `${body.op} needs ${missing.join(', ')}`);
    return drafts.apply(id(req), body);
  });

  app.patch('/api/images/:id/draft/config', {
    schema: {
      summary: "Merge keys over the image config's config object (null removes a key)",
      tags: ['draft'], params: idParams, body: configPatchSchema, response: { ...draftReply, ...errors(400, 403, 404) },
    },
  }, async (req) => drafts.patchConfig(id(req), req.body));

  app.delete('/api/images/:id/draft/config', {
    schema: { summary: 'Discard the config patch', tags: ['draft'], params: idParams, response: { ...draftReply, ...errors(403, 404) } },
  }, async (req) => drafts.clearConfig(id(req)));

  app.put('/api/images/:id/draft/tag', {
    schema: {
      summary: 'Set the name:tag of the result (null: the default)',
      tags: ['draft'], params: idParams, body: draftTagRequestSchema, response: { ...draftReply, ...errors(400, 403, 404) },
    },
  }, async (req) => drafts.setTag(id(req), (req.body as DraftTagRequest).tag));

  app.delete('/api/images/:id/draft/changes/:index', {
    schema: {
      summary: 'Discard one change (its index in the draft); 409 when a later change needs it',
      tags: ['draft'],
      params: { type: 'object', properties: { id: idParam, index: { type: 'integer', minimum: 0, maximum: 1_000_000 } }, required: ['id', 'index'] },
      response: { ...draftReply, ...errors(403, 404, 409) },
    },
  }, async (req) => drafts.discard(id(req), (req.params as { index: number }).index));

  app.delete('/api/images/:id/draft/changes', {
    schema: {
      summary: 'Discard every change made to a path (its path, or the old or new path of a rename)',
      tags: ['draft'], params: idParams, querystring: pathOnly, response: { ...draftReply, ...errors(403, 404, 409) },
    },
  }, async (req) => drafts.discardPath(id(req), (req.query as { path: string }).path));

  app.post('/api/images/:id/draft/undo', {
    schema: { summary: 'Discard the last change', tags: ['draft'], params: idParams, response: { ...draftReply, ...errors(403, 404, 409) } },
  }, async (req) => drafts.undo(id(req)));
}
