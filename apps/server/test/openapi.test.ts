import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { build, removeDir, tempDir } from './helper.js';

const ROUTES = [
  'get /api/health',
  'get /api/openapi.json',
  'get /api/images',
  'post /api/images',
  'get /api/images/{id}',
  'delete /api/images/{id}',
  'get /api/images/{id}/archive',
  'get /api/images/{id}/archive/content',
  'get /api/images/{id}/fs',
  'get /api/images/{id}/content',
  'get /api/images/{id}/layers/{n}/changes',
  'get /api/images/{id}/search',
  'get /api/compare',
  'get /api/compare/fs',
  'get /api/compare/changes',
  'get /api/compare/packages',
  'get /api/images/{id}/draft',
  'delete /api/images/{id}/draft',
  'put /api/images/{id}/draft/content',
  'delete /api/images/{id}/draft/content',
  'post /api/images/{id}/draft/ops',
  'patch /api/images/{id}/draft/config',
  'delete /api/images/{id}/draft/config',
  'put /api/images/{id}/draft/tag',
  'delete /api/images/{id}/draft/changes/{index}',
  'delete /api/images/{id}/draft/changes',
  'post /api/images/{id}/draft/undo',
  'get /api/images/{id}/export',
  'post /api/images/{id}/export/save',
  'get /api/images/{id}/findings',
  'get /api/images/{id}/packages',
  'get /api/docker',
  'get /api/docker/images',
  'get /api/docker/images/lookup',
  'post /api/docker/images/open',
  'post /api/docker/open-jobs',
  'get /api/docker/open-jobs/{id}',
  'delete /api/docker/open-jobs/{id}',
  'post /api/images/{id}/export/docker',
  'post /api/docker/runs',
  'get /api/docker/runs/{id}',
  'delete /api/docker/runs/{id}',
  'get /api/docker/runs/{id}/attach',
  'get /api/registry/manifest',
  'get /api/registry/tags',
  'post /api/registry/open-jobs',
  'get /api/registry/open-jobs/{id}',
  'get /api/registry/open-jobs/{id}/layers/{n}/fs',
  'delete /api/registry/open-jobs/{id}',
  'get /api/registry/logins',
  'put /api/registry/logins',
  'delete /api/registry/logins',
  'post /api/images/{id}/export/registry',
  'get /api/registry/push-jobs/{id}',
  'delete /api/registry/push-jobs/{id}',
];

/**
 * The method + path pairs of Fastify's route table, read from `printRoutes`: one line per node,
 * nested four columns per level, each node a path segment that continues its parent's, with the
 * methods it answers in parentheses. HEAD (added by Fastify for every GET) is left out, as the
 * document leaves it out.
 */
function routeTable(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    if (!line.trim()) continue;
    const node = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!node) throw new Error(`unexpected line in printRoutes: ${JSON.stringify(line)}`);
    const depth = node[1].length / 4;
    const path = (prefixes[depth - 1] ?? '') + node[2];
    prefixes.length = depth;
    prefixes.push(path);
    if (!path.startsWith('/api/')) continue;
    for (const method of node[3]?.split(', ') ?? []) {
      if (method !== 'HEAD') routes.push(`${method.toLowerCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return routes;
}

describe('OpenAPI document', () => {
  let dir: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = await tempDir();
    app = await build(dir);
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  it('validates against the OpenAPI 3.1 schema', async () => {
    const res = await app.inject('/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const result = await new Validator().validate(res.json());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every API route the server answers, and only those', async () => {
    const doc = (await app.inject('/api/openapi.json')).json() as { paths: Record<string, Record<string, { operationId: string; parameters: Array<{ name: string; in: string }> }>> };
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(listed.sort()).toEqual([...ROUTES].sort());
    // Fastify's own route table agrees, both ways: every method + path it answers under /api/
    // is in the document, and every one in the document is answered.
    expect(routeTable(app).sort()).toEqual(listed.sort());
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    const fs = doc.paths['/api/images/{id}/fs'].get;
    expect(fs.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id', 'query:path', 'query:layer', 'query:asOf', 'query:deleted', 'query:draft', 'query:paged', 'query:limit', 'query:cursor', 'query:sort', 'query:name']);
  });

  it('describes every reply of every route: each status with its own description, each body with a schema', async () => {
    type Reply = { description: string; content?: Record<string, { schema?: Record<string, unknown> }> };
    const doc = (await app.inject('/api/openapi.json')).json() as { paths: Record<string, Record<string, { responses: Record<string, Reply> }>> };
    const vague: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const codes = Object.keys(op.responses);
        if (!codes.some((c) => /^[12]\d\d$/.test(c))) vague.push(`${method} ${path}: no success reply`);
        for (const [code, reply] of Object.entries(op.responses)) {
          if (!reply.description || reply.description === 'Default Response') vague.push(`${method} ${path} ${code}: no description`);
          for (const [type, media] of Object.entries(reply.content ?? {})) {
            if (!media.schema || Object.keys(media.schema).length === 0) vague.push(`${method} ${path} ${code} ${type}: no schema`);
          }
        }
      }
    }
    expect(vague).toEqual([]);
  });
});
