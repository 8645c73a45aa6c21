import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';

/**
 * `/api/openapi.json` is built by @fastify/swagger from the routes' own schemas (the ones Fastify
 * validates with and the handlers are typed by), so it cannot drift from what the server does.
 * Register before the routes: it collects them as they are added.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Peel API',
        version,
        description: 'Open container images: upload an archive, explore its files, layers, config and history. Paths inside images are absolute; layers are numbered from 0 (the base).',
      },
      servers: [{ url: '/' }],
    },
    // OpenAPI 3.1 is JSON Schema 2020-12: `const` stays `const`.
    convertConstToEnum: false,
    transform: ({ schema, url, route }) => {
      // The web UI's routes (index.html, assets) are not part of the API.
      if (!url.startsWith('/api/')) return { schema: { ...schema, hide: true }, url };
      const method = String(Array.isArray(route.method) ? route.method[0] : route.method);
      // @fastify/websocket hides its routes from the document; the terminal's is part of the API.
      const documented = { ...schema, hide: false, operationId: operationId(method, url) };
      // A raw body (an upload, a file's new bytes) is streamed, never parsed, so Fastify validates
      // no body schema; the document still says what the request carries.
      if (schema?.consumes && !schema.body) documented.body = { type: 'string', format: 'binary' };
      return { schema: documented, url };
    },
    // Path parameters first, then the query string: the order a URL is read in.
    transformObject: (documents) => {
      const doc = 'openapiObject' in documents ? documents.openapiObject : documents.swaggerObject;
      for (const ops of Object.values(doc.paths ?? {})) {
        for (const op of Object.values(ops ?? {})) {
          const params = (op as { parameters?: Array<{ in: string }> }).parameters;
          params?.sort((a, b) => Number(b.in === 'path') - Number(a.in === 'path'));
        }
      }
      return doc;
    },
  });
}

/** `getImagesIdFs` for GET /api/images/:id/fs: stable, unique per method and path. */
const operationId = (method: string, url: string): string =>
  method.toLowerCase() + url.replace(/^\/api/, '').split(/[/:.-]+/).filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1)).join('');
