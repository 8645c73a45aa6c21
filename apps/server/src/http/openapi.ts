import type { FastifyInstance, RouteOptions } from 'fastify';

type Schema = Record<string, unknown>;
interface RouteSchema {
  summary?: string;
  tags?: string[];
  params?: Schema;
  querystring?: Schema;
  consumes?: string[];
  /** A JSON request body. */
  body?: Schema;
  response?: Record<string, Schema>;
}

/**
 * Builds the OpenAPI 3.1 document from the routes' own schemas, so it cannot drift from what
 * the server validates. Call `collectRoutes` before routes are registered.
 */
export function collectRoutes(app: FastifyInstance): Array<Pick<RouteOptions, 'method' | 'url'> & { schema?: RouteSchema }> {
  const routes: Array<Pick<RouteOptions, 'method' | 'url'> & { schema?: RouteSchema }> = [];
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/api/')) return;
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: r.url, schema: r.schema as RouteSchema | undefined });
    }
  });
  return routes;
}

export function openApiDocument(routes: ReturnType<typeof collectRoutes>, version: string): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const s = r.schema ?? {};
    const op: Schema = {
      operationId: operationId(String(r.method), path),
      summary: s.summary ?? `${String(r.method)} ${path}`,
      tags: s.tags ?? [],
      parameters: [...parameters(s.params, 'path'), ...parameters(s.querystring, 'query')],
      responses: responses(s.response),
    };
    if (s.consumes) {
      op.requestBody = {
        required: true,
        content: Object.fromEntries(s.consumes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
      };
    }
    if (s.body) op.requestBody = { required: true, content: { 'application/json': { schema: s.body } } };
    (paths[path] ??= {})[String(r.method).toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Peel API',
      version,
      description: 'Open container images: upload an archive, explore its files, layers, config and history. Paths inside images are absolute; layers are numbered from 0 (the base).',
    },
    servers: [{ url: '/' }],
    paths,
  };
}

function parameters(schema: Schema | undefined, where: 'path' | 'query'): Schema[] {
  const props = (schema?.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema?.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: s }));
}

function responses(response: Record<string, Schema> | undefined): Schema {
  const out: Schema = {};
  for (const [code, s] of Object.entries(response ?? { 200: {} })) {
    const { description, content, ...schema } = s;
    if (content) out[code] = { description: description ?? 'OK', content };
    else if (schema.type === 'null' || code === '204' || code === '304') out[code] = { description: description ?? 'no content' };
    else out[code] = { description: description ?? 'OK', content: { 'application/json': { schema } } };
  }
  return out;
}

const operationId = (method: string, path: string): string =>
  method.toLowerCase() + path.replace(/^\/api/, '').split(/[/{}.-]+/).filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1)).join('');
