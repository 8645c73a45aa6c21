import type { FastifyInstance } from 'fastify';
import type { Services } from '../services/index.js';
import { SEARCH_MAX_LIMIT } from '../services/fs.js';
import { badRequest } from '../errors.js';
import { pageQuery, pageRequest, changesPageQuery, changesPageRequest, fsPageSchema, changesPageSchema } from './page-params.js';
import { safeContentType, sendContent } from '../http/send-content.js';
import { binaryResponse, errors, flag, fsEntrySchema, idParam, idParams, isOn, layerChangeSchema, pathQuery, searchResultSchema } from './schemas.js';

const layerParam = { type: 'integer', minimum: 0, maximum: 100000 };
const JSON_TYPE = 'application/json; charset=utf-8';
const fsListSchema = { type: 'array', items: fsEntrySchema };
const changesListSchema = { type: 'array', items: layerChangeSchema };

export async function fsRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/api/images/:id/fs', {
    schema: {
      summary: "A directory of the merged filesystem, (layer=N) of one layer's own entries, (asOf=N, with paged=1) of the "
        + 'filesystem as of layer N (after layers 0..N; with deleted=1 also what layer N deleted or overwrote), or (draft=1) '
        + 'as the draft leaves it; with paged=1 one page of it (FsPage: limit, cursor, sort, name)',
      tags: ['filesystem'],
      params: idParams,
      querystring: {
        type: 'object',
        properties: { path: pathQuery, layer: layerParam, asOf: layerParam, deleted: flag, draft: flag, ...pageQuery },
      },
      response: { 200: { anyOf: [fsListSchema, fsPageSchema] }, ...errors(400, 404) },
    },
  }, async (req, reply) => {
    const q = req.query as { path?: string; layer?: number; asOf?: number; deleted?: string; draft?: string; paged?: string };
    const id = (req.params as { id: string }).id;
    if (isOn(q.draft) && q.layer !== undefined) throw badRequest('BAD_QUERY', 'draft=1 shows the edited filesystem; it cannot be combined with layer');
    if (q.asOf !== undefined && (q.layer !== undefined || isOn(q.draft))) {
      throw badRequest('BAD_QUERY', "asOf shows the filesystem after layers 0..N; it cannot be combined with layer (one layer's own entries) or draft");
    }
    const page = pageRequest(req.query as Record<string, unknown>);
    if (q.asOf !== undefined && !page) throw badRequest('BAD_QUERY', 'asOf lists a folder page by page: add paged=1');
    if (page) {
      // A page is small and built here field by field: plain JSON.stringify, no schema walk.
      reply.type(JSON_TYPE).serializer(JSON.stringify);
      return isOn(q.draft)
        ? services.draftFs.page(id, q.path ?? '/', { deleted: isOn(q.deleted) }, page)
        : services.fs.pages.page(id, q.path ?? '/', { layer: q.layer, asOf: q.asOf, deleted: isOn(q.deleted) }, page);
    }
    // The whole listing, serialised as before paging: by its own schema, without the anyOf check
    // of every row that the documented (array or page) reply schema would cost.
    reply.type(JSON_TYPE).serializer(reply.compileSerializationSchema(fsListSchema));
    if (isOn(q.draft)) return services.draftFs.list(id, q.path ?? '/', { deleted: isOn(q.deleted) });
    return services.fs.list(id, q.path ?? '/', { layer: q.layer, deleted: isOn(q.deleted) });
  });

  app.get('/api/images/:id/content', {
    schema: {
      summary: 'The raw bytes of a file (merged view, layer=N, or draft=1); Range requests work',
      tags: ['filesystem'],
      params: idParams,
      querystring: {
        type: 'object',
        properties: { path: pathQuery, layer: layerParam, download: flag, draft: flag },
        required: ['path'],
      },
      response: {
        200: binaryResponse('the file'),
        206: binaryResponse('the requested byte range'),
        304: { description: 'unchanged (If-None-Match)', type: 'null' },
        ...errors(400, 404, 416),
      },
    },
  }, async (req, reply) => {
    const q = req.query as { path: string; layer?: number; download?: string; draft?: string };
    const id = (req.params as { id: string }).id;
    if (isOn(q.draft) && q.layer !== undefined) throw badRequest('BAD_QUERY', 'draft=1 reads the edited filesystem; it cannot be combined with layer');
    const content = await (isOn(q.draft) ? services.draftFs.file(id, q.path) : services.content.file(id, q.path, q.layer));
    return sendContent(req, reply, content, safeContentType(content.name), isOn(q.download));
  });

  app.get('/api/images/:id/layers/:n/changes', {
    schema: {
      summary: 'What layer n added, modified and deleted; with paged=1 one page of it (ChangesPage: limit, cursor, kinds, q, path)',
      tags: ['filesystem'],
      params: { type: 'object', properties: { id: idParam, n: layerParam }, required: ['id', 'n'] },
      querystring: {
        type: 'object',
        properties: { limit: { type: 'integer', minimum: 1, maximum: 10_000_000 }, offset: { type: 'integer', minimum: 0 }, ...changesPageQuery },
      },
      response: { 200: { anyOf: [changesListSchema, changesPageSchema] }, ...errors(400, 404) },
    },
  }, async (req, reply) => {
    const p = req.params as { id: string; n: number };
    const q = req.query as { limit?: number; offset?: number };
    const page = changesPageRequest(req.query as Record<string, unknown>);
    if (page) {
      reply.type(JSON_TYPE).serializer(JSON.stringify);
      return services.fs.changesPage(p.id, p.n, page);
    }
    reply.type(JSON_TYPE).serializer(reply.compileSerializationSchema(changesListSchema));
    return services.fs.changes(p.id, p.n, q.limit ?? -1, q.offset ?? 0);
  });

  app.get('/api/images/:id/search', {
    schema: {
      summary: 'Paths of the merged filesystem (and deleted ones) containing q, or matching q as a glob',
      tags: ['filesystem'],
      params: idParams,
      querystring: {
        type: 'object',
        properties: {
          q: { type: 'string', minLength: 1, maxLength: 4096 },
          deleted: flag,
          limit: { type: 'integer', minimum: 1, maximum: SEARCH_MAX_LIMIT },
          offset: { type: 'integer', minimum: 0 },
        },
        required: ['q'],
      },
      response: { 200: searchResultSchema, ...errors(400, 404) },
    },
  }, async (req) => {
    const q = req.query as { q: string; deleted?: string; limit?: number; offset?: number };
    return services.fs.search((req.params as { id: string }).id, q.q, {
      deleted: q.deleted === undefined ? true : isOn(q.deleted),
      limit: q.limit ?? 100,
      offset: q.offset ?? 0,
    });
  });
}
