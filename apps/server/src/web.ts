import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { ApiErrorBody } from '@peel/api';

/**
 * Serves the built web UI (apps/web/dist) when it exists: its files, and index.html for every
 * other non-API GET so that client-side routes survive a reload. API misses stay JSON 404s.
 */
export async function registerWeb(app: FastifyInstance, dist: string | null): Promise<void> {
  const hasUi = dist !== null && existsSync(join(dist, 'index.html'));
  if (hasUi) {
    await app.register(fastifyStatic, { root: dist, prefix: '/', wildcard: true, index: ['index.html'], cacheControl: false });
  }
  app.setNotFoundHandler((req, reply) => {
    const isApi = req.url === '/api' || req.url.startsWith('/api/');
    if (hasUi && !isApi && (req.method === 'GET' || req.method === 'HEAD')) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } } satisfies ApiErrorBody);
  });
}
