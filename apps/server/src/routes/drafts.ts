import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DraftOpRequest } from '@peel/api';
import { configPatchSchema, draftOpRequestSchema, draftOpVariants, draftStateSchema, draftTagRequestSchema } from '@peel/api/schemas';
import type { Services } from '../services/index.js';
import { badRequest } from '../errors.js';
import { described, errors, flag, idParam, idParams, isOn, modeQuery, ownerQuery, pathQuery } from './schemas.js';
import { rawBody } from '../http/raw-body.js';

const draftReply = { 200: described(draftStateSchema, 'the draft (after the change)') };
const pathOnly = Type.Object({ path: pathQuery });
const deleteQuery = Type.Object({
  path: pathQuery,
  fromEveryLayer: flag({ description: '1: meant to leave every layer (a secret): exports default to rewrite' }),
});

/** The fields each op needs (its variant's required ones), checked here for a message that names the missing one. */
const REQUIRED = Object.fromEntries(draftOpVariants.map((v) => [v.properties.op.const, (v.required ?? []).filter((k) => k !== 'op')])) as Record<DraftOpRequest['op'], string[]>;

export async function draftRoutes(base: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const drafts = services.drafts;

  app.get('/api/images/:id/draft', {
    schema: { summary: "The image's draft: pending changes, config patch, tag, sizes", tags: ['draft'], params: idParams, response: { ...draftReply, ...errors(404) } },
  }, async (req) => drafts.state(req.params.id));

  app.delete('/api/images/:id/draft', {
    schema: { summary: 'Discard the whole draft (changes, config patch, tag)', tags: ['draft'], params: idParams, response: { ...draftReply, ...errors(403, 404) } },
  }, async (req) => drafts.clear(req.params.id));

  // The new bytes are the raw body, whatever its type (a .json file is bytes too).
  await app.register(async (raw) => {
    const scope = raw.withTypeProvider<TypeBoxTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.put('/api/images/:id/draft/content', {
      schema: {
        summary: "Write a file's new bytes into the draft (raw body; creates missing folders; a symlink is written through)",
        tags: ['draft'],
        params: idParams,
        querystring: Type.Object({ path: pathQuery, mode: Type.Optional(modeQuery), uid: Type.Optional(ownerQuery), gid: Type.Optional(ownerQuery) }),
        consumes: ['application/octet-stream', '*/*'],
        response: { ...draftReply, ...errors(400, 403, 404, 413) },
      },
    }, async (req, reply) => {
      const q = req.query;
      const body = rawBody(req.body) ?? Readable.from([]);
      const ac = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableFinished) ac.abort();
      };
      reply.raw.on('close', onClose);
      try {
        return await drafts.write(req.params.id, q.path, body, { mode: q.mode, uid: q.uid, gid: q.gid }, ac.signal);
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
    const q = req.query;
    return drafts.apply(req.params.id, { op: 'delete', path: q.path, fromEveryLayer: isOn(q.fromEveryLayer) });
  });

  app.post('/api/images/:id/draft/ops', {
    schema: {
      summary: 'Add a change: mkdir, symlink, rename, chmod, chown or delete (paths absolute, mode as a number)',
      tags: ['draft'], params: idParams, body: draftOpRequestSchema, response: { ...draftReply, ...errors(400, 403, 404) },
    },
  }, async (req) => {
    const body = req.body;
    const missing = REQUIRED[body.op].filter((k) => !(k in body));
    if (missing.length) throw badRequest('BAD_DRAFT_OP', `${body.op} needs ${missing.join(', ')}`);
    return drafts.apply(req.params.id, body);
  });

  app.patch('/api/images/:id/draft/config', {
    schema: {
      summary: "Merge keys over the image config's config object (null removes a key)",
      tags: ['draft'], params: idParams, body: configPatchSchema, response: { ...draftReply, ...errors(400, 403, 404) },
    },
  }, async (req) => drafts.patchConfig(req.params.id, req.body));

  app.delete('/api/images/:id/draft/config', {
    schema: { summary: 'Discard the config patch', tags: ['draft'], params: idParams, response: { ...draftReply, ...errors(403, 404) } },
  }, async (req) => drafts.clearConfig(req.params.id));

  app.put('/api/images/:id/draft/tag', {
    schema: {
      summary: 'Set the name:tag of the result (null: the default)',
      tags: ['draft'], params: idParams, body: draftTagRequestSchema, response: { ...draftReply, ...errors(400, 403, 404) },
    },
  }, async (req) => drafts.setTag(req.params.id, req.body.tag));

  app.delete('/api/images/:id/draft/changes/:index', {
    schema: {
      summary: 'Discard one change (its index in the draft); 409 when a later change needs it',
      tags: ['draft'],
      params: Type.Object({ id: idParam, index: Type.Integer({ minimum: 0, maximum: 1_000_000 }) }),
      response: { ...draftReply, ...errors(403, 404, 409) },
    },
  }, async (req) => drafts.discard(req.params.id, req.params.index));

  app.delete('/api/images/:id/draft/changes', {
    schema: {
      summary: 'Discard every change made to a path (its path, or the old or new path of a rename)',
      tags: ['draft'], params: idParams, querystring: pathOnly, response: { ...draftReply, ...errors(403, 404, 409) },
    },
  }, async (req) => drafts.discardPath(req.params.id, req.query.path));

  app.post('/api/images/:id/draft/undo', {
    schema: { summary: 'Discard the last change', tags: ['draft'], params: idParams, response: { ...draftReply, ...errors(403, 404, 409) } },
  }, async (req) => drafts.undo(req.params.id));
}
