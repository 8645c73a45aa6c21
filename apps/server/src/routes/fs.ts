import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { changesPageSchema, fsEntrySchema, fsPageSchema, layerChangeSchema, searchResultSchema } from '@peel/api/schemas';
import type { LayerChange } from '@peel/api';
import type { Services } from '../services/index.js';
import { SEARCH_MAX_LIMIT } from '../services/fs.js';
import { badRequest } from '../errors.js';
import { pageQuery, pageRequest, changesPageQuery, changesPageRequest } from './page-params.js';
import { safeContentType, sendContent } from '../http/send-content.js';
import { jsonArray } from '../http/json-array.js';
import { binaryResponse, described, errors, flag, idParam, idParams, isOn, layerParam, noContent, pathQuery } from './schemas.js';

const fsListSchema = Type.Array(fsEntrySchema);
const changesListSchema = Type.Array(layerChangeSchema);

export async function fsRoutes(base: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/images/:id/fs', {
    schema: {
      summary: "A directory of the merged filesystem, (layer=N) of one layer's own entries, (asOf=N, with paged=1) of the "
        + 'filesystem as of layer N (after layers 0..N; with deleted=1 also what layer N deleted or overwrote), or (draft=1) '
        + 'as the draft leaves it; with paged=1 one page of it (FsPage: limit, cursor, sort, name)',
      tags: ['filesystem'],
      params: idParams,
      querystring: Type.Object({
        path: Type.Optional(pathQuery), layer: Type.Optional(layerParam), asOf: Type.Optional(layerParam), deleted: flag(), draft: flag(), ...pageQuery,
      }),
      response: { 200: Type.Union([fsListSchema, fsPageSchema], { description: 'the folder: every entry (FsEntry[]), or with paged=1 one page of them (FsPage)' }), ...errors(400, 404) },
    },
  }, async (req) => {
    const q = req.query;
    const id = req.params.id;
    if (isOn(q.draft) && q.layer !== undefined) throw badRequest('BAD_QUERY', 'draft=1 shows the edited filesystem; it cannot be combined with layer');
    if (q.asOf !== undefined && (q.layer !== undefined || isOn(q.draft))) {
      throw badRequest('BAD_QUERY', "asOf shows the filesystem after layers 0..N; it cannot be combined with layer (one layer's own entries) or draft");
    }
    const page = pageRequest(q);
    if (q.asOf !== undefined && !page) throw badRequest('BAD_QUERY', 'asOf lists a folder page by page: add paged=1');
    if (page) {
      return isOn(q.draft)
        ? services.draftFs.page(id, q.path ?? '/', { deleted: isOn(q.deleted) }, page)
        : services.fs.pages.page(id, q.path ?? '/', { layer: q.layer, asOf: q.asOf, deleted: isOn(q.deleted) }, page);
    }
    if (isOn(q.draft)) return services.draftFs.list(id, q.path ?? '/', { deleted: isOn(q.deleted) });
    return services.fs.list(id, q.path ?? '/', { layer: q.layer, deleted: isOn(q.deleted) });
  });

  app.get('/api/images/:id/content', {
    schema: {
      summary: 'The raw bytes of a file (merged view, layer=N, or draft=1); Range requests work',
      tags: ['filesystem'],
      params: idParams,
      querystring: Type.Object({ path: pathQuery, layer: Type.Optional(layerParam), download: flag(), draft: flag() }),
      response: {
        200: binaryResponse('the file'),
        206: binaryResponse('the requested byte range'),
        304: noContent('unchanged (If-None-Match)'),
        ...errors(400, 404, 416),
      },
    },
  }, async (req, reply) => {
    const q = req.query;
    const id = req.params.id;
    if (isOn(q.draft) && q.layer !== undefined) throw badRequest('BAD_QUERY', 'draft=1 reads the edited filesystem; it cannot be combined with layer');
    const content = await (isOn(q.draft) ? services.draftFs.file(id, q.path) : services.content.file(id, q.path, q.layer));
    return sendContent(req, reply, content, safeContentType(content.name), isOn(q.download));
  });

  app.get('/api/images/:id/layers/:n/changes', {
    schema: {
      summary: 'What layer n added, modified and deleted; with paged=1 one page of it (ChangesPage: limit, cursor, kinds, q, path)',
      tags: ['filesystem'],
      params: Type.Object({ id: idParam, n: layerParam }),
      querystring: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })), offset: Type.Optional(Type.Integer({ minimum: 0 })), ...changesPageQuery,
      }),
      response: { 200: Type.Union([changesListSchema, changesPageSchema], { description: "the layer's changes (LayerChange[]), or with paged=1 one page of them (ChangesPage)" }), ...errors(400, 404) },
    },
  }, async (req, reply) => {
    const p = req.params;
    const q = req.query;
    const page = changesPageRequest(q);
    if (page) return services.fs.changesPage(p.id, p.n, page);
    const body = jsonArray(await services.fs.changes(p.id, p.n, q.limit ?? -1, q.offset ?? 0));
    // The same LayerChange[] as JSON text, streamed: the type provider only knows the parsed shape.
    return reply.type('application/json; charset=utf-8').send(body as unknown as LayerChange[]);
  });

  app.get('/api/images/:id/search', {
    schema: {
      summary: "Paths of the merged filesystem (and deleted ones) containing q, or matching q as a glob; a page by offset, or the one after a reply's next passed as cursor",
      tags: ['filesystem'],
      params: idParams,
      querystring: Type.Object({
        q: Type.String({ minLength: 1, maxLength: 4096 }),
        deleted: flag(),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_MAX_LIMIT })),
        offset: Type.Optional(Type.Integer({ minimum: 0, description: 'hits to skip (a walk past them); not with cursor' })),
        cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200_000, description: "the page after the one whose reply gave this `next` (on SQLite found by a seek, not by walking the hits before it; the total is not counted again); not with offset" })),
      }),
      response: { 200: described(searchResultSchema, 'the matching entries, a page of them'), ...errors(400, 404) },
    },
  }, async (req) => {
    const q = req.query;
    if (q.cursor !== undefined && q.offset !== undefined) throw badRequest('BAD_QUERY', 'give offset or cursor, not both (the cursor holds its position)');
    return services.fs.search(req.params.id, q.q, {
      deleted: q.deleted === undefined ? true : isOn(q.deleted),
      limit: q.limit ?? 100,
      page: q.cursor !== undefined ? { cursor: q.cursor } : { offset: q.offset ?? 0 },
    });
  });
}
