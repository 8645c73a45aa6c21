import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { DraftState } from '@peel/api';
import { build, ingest, removeDir, tempDir } from './helper.js';

/**
 * A delete meant to take a path out of every layer ("Remove from all layers") is recorded as such
 * in the draft, so whoever exports it later (another tab, the API, after a restart) knows that
 * only rewrite or flatten ship without its bytes.
 */
describe('deletes meant for every layer', () => {
  let dir: string;
  let app: FastifyInstance;
  let id: string;
  beforeAll(async () => {
    dir = await tempDir();
    app = await build(dir);
    id = await ingest(app, 'multi-docker-legacy');
  });
  afterAll(async () => {
    await app.close();
    await removeDir(dir);
  });

  const draft = async () => (await app.inject(`/api/images/${id}/draft`)).json() as DraftState;

  it('marks the op and the change, for the query flag and the op body alike, and not a plain delete', async () => {
    expect((await app.inject({ method: 'DELETE', url: `/api/images/${id}/draft/content?path=/etc/os-release&fromEveryLayer=1` })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/api/images/${id}/draft/ops`, payload: { op: 'delete', path: '/opt/app/conf', fromEveryLayer: true } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: `/api/images/${id}/draft/content?path=/etc/group` })).statusCode).toBe(200);
    const state = await draft();
    expect(state.ops.map((o) => [o.path, o.fromEveryLayer ?? false])).toEqual([['/etc/os-release', true], ['/opt/app/conf', true], ['/etc/group', false]]);
    expect(state.changes.filter((c) => c.kind === 'deleted').map((c) => [c.path, c.fromEveryLayer ?? false])).toEqual([
      ['/etc/group', false], ['/etc/os-release', true], ['/opt/app/conf', true],
    ]);

    // Kept across a restart (it is part of the stored op).
    await app.close();
    app = await build(dir);
    expect((await draft()).changes.filter((c) => c.fromEveryLayer).map((c) => c.path)).toEqual(['/etc/os-release', '/opt/app/conf']);
  });

  it('a path written again after such a delete is no longer a delete for every layer', async () => {
    await app.inject({ method: 'DELETE', url: `/api/images/${id}/draft` });
    await app.inject({ method: 'DELETE', url: `/api/images/${id}/draft/content?path=/etc/os-release&fromEveryLayer=true` });
    await app.inject({ method: 'PUT', url: `/api/images/${id}/draft/content?path=/etc/os-release`, payload: 'NAME=again\n', headers: { 'content-type': 'application/octet-stream' } });
    const change = (await draft()).changes.find((c) => c.path === '/etc/os-release');
    expect(change?.kind).toBe('modified');
    expect(change?.fromEveryLayer).toBeUndefined();
  });

  it('refuses a flag that is not yes or no', async () => {
    const res = await app.inject({ method: 'DELETE', url: `/api/images/${id}/draft/content?path=/etc/hostname&fromEveryLayer=maybe` });
    expect(res.statusCode).toBe(400);
  });
});
