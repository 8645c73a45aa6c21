import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PAGE_MAX_LIMIT } from '@peel/api';
import { fsEntrySchema, fsPageSchema,
  registryLoginRequestSchema, registryLoginSchema, registryManifestSchema, registryOpenJobSchema, registryOpenRequestSchema, registryPlatformSchema,
  registryRefSchema, registryTagsPageSchema,
} from '@peel/api/schemas';
import type { RegistryContext } from '../registry/index.js';
import { allPages, type FsPageService } from '../services/fs-pages.js';
import { pageQuery, pageRequest } from './page-params.js';
import { described, errorReplies, flag, isOn, layerParam, noContent, pathQuery } from './schemas.js';

const uuidParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });

const registryErrors = errorReplies({
  400: 'a malformed reference or platform, or a registry Peel may not reach over plain HTTP',
  403: 'refused: foreign Host, or a page of another site (these routes reach other hosts)',
  404: 'the registry has no such repository, tag, manifest or platform; or no such job, layer or path',
  409: 'the layer is not indexed yet, or the open failed or was cancelled',
  429: 'too many opens at once, or the registry asks to slow down',
  502: 'the registry failed, refused the credentials, or answered something refused (the message says what)',
});

export interface RegistryRoutesOptions {
  /** The app's registry client, open jobs and session logins (see createRegistry). */
  registry: RegistryContext;
  /** Folder listings of stored layers: an open's layers are listed as an image's are. */
  layerPages: FsPageService;
}

/** Images straight from a registry: a manifest before any download, tags, and open jobs. */
export async function registryRoutes(base: FastifyInstance, opts: RegistryRoutesOptions): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { service, opens } = opts.registry;
  const { layerPages } = opts;

  app.get('/api/registry/manifest', {
    schema: {
      summary: "A reference's manifest: media type, digest, an index's platforms, the image's config, history and layers with sizes (nothing downloaded but the manifest and config)",
      tags: ['registry'],
      querystring: Type.Object({ ref: registryRefSchema, platform: Type.Optional(registryPlatformSchema) }),
      response: { 200: described(registryManifestSchema, 'the manifest'), ...registryErrors(400, 403, 404, 429, 502) },
    },
  }, async (req, reply) => service.manifest(req.query.ref, req.query.platform, abortOnClose(reply.raw)));

  app.get('/api/registry/tags', {
    schema: {
      summary: "A page of a repository's tags (pass `next` back as `cursor`)",
      tags: ['registry'],
      querystring: Type.Object({
        repo: registryRefSchema,
        paged: flag({ description: 'always paged (accepted as the other lists take it)' }),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_MAX_LIMIT })),
        cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
        details: flag({ description: "each tag's digest, media type, platforms and size, read from its manifest (a tag that cannot be read carries its own `error`)" }),
      }),
      response: { 200: described(registryTagsPageSchema, 'one page of tags'), ...registryErrors(400, 403, 404, 429, 502) },
    },
  }, async (req, reply) => service.tags(req.query.repo, { limit: req.query.limit ?? 100, cursor: req.query.cursor, details: isOn(req.query.details) }, abortOnClose(reply.raw)));

  app.post('/api/registry/open-jobs', {
    schema: {
      summary: 'Open an image from a registry in the background: its layers stream into the ingest; poll the job for per-layer progress',
      tags: ['registry'],
      body: registryOpenRequestSchema,
      response: { 202: described(registryOpenJobSchema, 'the job, started (or failed already: see `error`)'), ...registryErrors(400, 403, 429) },
    },
  }, async (req, reply) => reply.status(202).send((await opens.start(req.body.ref, req.body.platform)).view));

  app.get('/api/registry/open-jobs/:id', {
    schema: { summary: 'An open-from-registry job: state, bytes of each layer, the image when done', tags: ['registry'], params: uuidParams, response: { 200: described(registryOpenJobSchema, 'the job'), ...registryErrors(403, 404) } },
  }, async (req) => opens.get(req.params.id));

  app.get('/api/registry/open-jobs/:id/layers/:n/fs', {
    schema: {
      summary: "A folder of layer n's own entries while the open goes on, once the job says the layer is `indexed` (as /api/images/:id/fs?layer=n answers; with paged=1 one page of it)",
      tags: ['registry'],
      params: Type.Object({ id: uuidParams.properties.id, n: layerParam }),
      querystring: Type.Object({ path: Type.Optional(pathQuery), ...pageQuery }),
      response: {
        200: Type.Union([Type.Array(fsEntrySchema), fsPageSchema], { description: 'the folder: every entry (FsEntry[]), or with paged=1 one page of them (FsPage)' }),
        ...registryErrors(400, 403, 404, 409),
      },
    },
  }, async (req) => {
    const layer = opens.indexedLayer(req.params.id, req.params.n);
    const page = pageRequest(req.query);
    const label = `layer ${req.params.n} of the open ${req.params.id}`;
    const list = (p: NonNullable<typeof page>) => layerPages.layerPage(layer, req.query.path ?? '/', label, p);
    return page ? list(page) : allPages(list);
  });

  app.delete('/api/registry/open-jobs/:id', {
    schema: { summary: 'Cancel an open-from-registry job (nothing of it is kept)', tags: ['registry'], params: uuidParams, response: { 200: described(registryOpenJobSchema, 'the job, cancelled'), ...registryErrors(403, 404) } },
  }, async (req) => opens.cancel(req.params.id));

  app.get('/api/registry/logins', {
    schema: { summary: 'Registries with credentials typed in for this session (never the credentials)', tags: ['registry'], response: { 200: Type.Array(registryLoginSchema, { description: 'the registries' }), ...registryErrors(403) } },
  }, async () => service.loggedIn());

  app.put('/api/registry/logins', {
    schema: { summary: "Credentials for a registry, for this server's session: kept in memory only (never stored, logged or returned)", tags: ['registry'], body: registryLoginRequestSchema, response: { 204: noContent('kept'), ...registryErrors(400, 403) } },
  }, async (req, reply) => {
    const { registry: host, username, password } = req.body;
    service.login(host, { username, password });
    return reply.status(204).send();
  });

  app.delete('/api/registry/logins', {
    schema: { summary: "Forget a registry's session credentials", tags: ['registry'], querystring: Type.Object({ registry: Type.String({ minLength: 1, maxLength: 256 }) }), response: { 204: noContent('forgotten'), ...registryErrors(403, 404) } },
  }, async (req, reply) => {
    service.logout(req.query.registry);
    return reply.status(204).send();
  });
}

/** A signal aborted when the client goes away before its reply (the registry requests then stop). */
function abortOnClose(res: ServerResponse): AbortSignal {
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  return abort.signal;
}
