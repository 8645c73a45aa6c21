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
  'get /api/docker',
  'get /api/docker/images',
  'post /api/docker/images/open',
  'post /api/docker/open-jobs',
  'get /api/docker/open-jobs/{id}',
  'delete /api/docker/open-jobs/{id}',
  'post /api/images/{id}/export/docker',
  'post /api/docker/runs',
  'get /api/docker/runs/{id}',
  'delete /api/docker/runs/{id}',
  'get /api/docker/runs/{id}/attach',
];

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
    // Fastify's own route table agrees.
    const table = app.printRoutes({ commonPrefix: false });
    for (const r of ROUTES) {
      const path = r.split(' ')[1].replace(/\{(\w+)\}/g, ':$1');
      expect(table, path).toContain(path.split('/').pop()!.replace(/^:/, ':'));
    }
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    const fs = doc.paths['/api/images/{id}/fs'].get;
    expect(fs.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id', 'query:path', 'query:layer', 'query:asOf', 'query:deleted', 'query:draft', 'query:paged', 'query:limit', 'query:cursor', 'query:sort', 'query:name']);
  });
});
