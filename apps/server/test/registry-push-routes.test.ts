/**
 * The push routes' guards, without a registry: another site's page can neither start a push nor
 * read a push job (the routes make Peel reach other hosts), and bad requests are refused before
 * any job starts. The pushes themselves are tested against docker-registry in test/registry/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { RegistryPushJob } from '@peel/api';
import { build, ingest, removeDir, tempDir } from './helper.js';

describe('push routes: guards and refusals', () => {
  let dir: string;
  let app: FastifyInstance;
  let id: string;
  beforeAll(async () => {
    dir = await tempDir();
    // No credentials from anywhere (not the user's own Docker config).
    app = await build(dir, { registry: { env: { DOCKER_CONFIG: dir } } });
    id = await ingest(app, 'tiny-docker-legacy');
  });
  afterAll(async () => {
    await app?.close();
    await removeDir(dir);
  });

  const post = (payload: object, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: `/api/images/${id}/export/registry`, payload, headers });

  it('refuses a push started by another site, and the job reads of another site', async () => {
    const ref = '127.0.0.1:9/team/app:2';
    for (const headers of [{ origin: 'http://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }] as Array<Record<string, string>>) {
      const res = await post({ ref, mode: 'append' }, headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'BAD_ORIGIN' } });
    }
    // A job of our own (it fails: nothing listens on port 9), read as another site would.
    const started = await post({ ref, mode: 'append' });
    expect(started.statusCode, started.body).toBe(202);
    const job = started.json() as RegistryPushJob;
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }]) {
      expect((await app.inject({ url: `/api/registry/push-jobs/${job.id}`, headers })).statusCode).toBe(403);
      expect((await app.inject({ method: 'DELETE', url: `/api/registry/push-jobs/${job.id}`, headers })).statusCode).toBe(403);
    }
    expect((await app.inject({ url: `/api/registry/push-jobs/${job.id}` })).statusCode).toBe(200);
  });

  it('refuses bad requests before a job starts: a reference with a digest or malformed, a mode, an unknown image or job', async () => {
    const digestRef = await post({ ref: `127.0.0.1:9/team/app@sha256:${'a'.repeat(64)}`, mode: 'append' });
    expect(digestRef.statusCode).toBe(400);
    expect(digestRef.json()).toMatchObject({ error: { code: 'BAD_REFERENCE', message: expect.stringMatching(/push to a tag/) } });
    const upper = await post({ ref: '127.0.0.1:9/Team/App:2', mode: 'append' });
    expect(upper.statusCode).toBe(400);
    expect(upper.json()).toMatchObject({ error: { code: 'BAD_REFERENCE', message: expect.stringMatching(/lowercase/) } });
    expect((await post({ ref: '127.0.0.1:9/team/app:2', mode: 'squash' })).statusCode).toBe(400);
    const unknownImage = await app.inject({ method: 'POST', url: `/api/images/${'0'.repeat(64)}/export/registry`, payload: { ref: '127.0.0.1:9/team/app:2', mode: 'append' } });
    expect(unknownImage.statusCode).toBe(404);
    const unknownJob = await app.inject({ url: '/api/registry/push-jobs/00000000-0000-0000-0000-000000000000' });
    expect(unknownJob.statusCode).toBe(404);
  });
});
