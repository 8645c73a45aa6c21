/** The edits of edit-model.ts (engine interop helpers) made through Peel's API (downloads: api.ts). */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Edit } from '../../../../packages/engine/test/interop/edit-model.js';

export { applyEdits, dockerLoadAs, type Edit } from '../../../../packages/engine/test/interop/edit-model.js';

/** Makes the same edits through Peel's API (each must be accepted). */
export async function sendEdits(app: FastifyInstance, id: string, edits: readonly Edit[]): Promise<void> {
  for (const e of edits) {
    const q = (p: string) => encodeURIComponent(p);
    const req =
      e.op === 'write'
        ? { method: 'PUT' as const, url: `/draft/content?path=${q(e.path)}&mode=${e.mode}&uid=${e.uid}&gid=${e.gid}`, payload: e.content, headers: { 'content-type': 'application/octet-stream' } }
        : e.op === 'delete'
          ? { method: 'DELETE' as const, url: `/draft/content?path=${q(e.path)}` }
          : { method: 'POST' as const, url: '/draft/ops', payload: e };
    const res = await app.inject({ ...req, url: `/api/images/${id}${req.url}` });
    expect(res.statusCode, `${e.op} ${JSON.stringify(e).slice(0, 200)}: ${res.body}`).toBe(200);
  }
}

