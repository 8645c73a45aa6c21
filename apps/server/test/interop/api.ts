/**
 * The API calls the interop suites make on an in-process server: draft edits that must succeed,
 * and an export downloaded into a file for the tools to load.
 */
import { writeFile } from 'node:fs/promises';
import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';

export type Method = 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** One draft edit of image `id` (`url` below `/api/images/:id`); fails the test unless 200. */
export async function editDraft(app: FastifyInstance, id: string, method: Method, url: string, payload?: Buffer | object): Promise<void> {
  const res = await app.inject({ method, url: `/api/images/${id}${url}`, payload, headers: Buffer.isBuffer(payload) ? { 'content-type': 'application/octet-stream' } : undefined });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(200);
}

/** Downloads an export (`query`: mode, tag, compression) through the API into a file. */
export async function downloadExport(app: FastifyInstance, id: string, query: string, file: string): Promise<void> {
  const res = await app.inject(`/api/images/${id}/export?${query}`);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
  await writeFile(file, res.rawPayload);
}
