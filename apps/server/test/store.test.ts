import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DraftRevisionConflict, type StoredOp } from '../src/store/index.js';
import { build, ingest, removeDir, sql, tempDir } from './helper.js';

/** The store's own promises, beyond what the routes show: draft revisions and pending-image owners. */
describe('store', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => removeDir(dir));

  const op = (path: string): StoredOp => ({ op: { op: 'mkdir', path }, summary: { kind: 'added', type: 'dir', sizeDelta: 0 }, blob: null, createdAt: '2026-01-01T00:00:00.000Z' });
  const head = { config: {}, tag: null, updatedAt: '2026-01-01T00:00:00.000Z' };

  it('bumps a draft revision with every edit and refuses an edit made from an older read', async () => {
    const app = await build(`${dir}/revision`);
    try {
      const id = await ingest(app, 'multi-docker-legacy');
      const drafts = app.peel.index.drafts;
      const r1 = await drafts.appendOp(id, op('a'), head, null);
      const r2 = await drafts.appendOp(id, op('b'), head, r1);
      expect(r2).toBe(r1 + 1);
      // A second editor read revision r1 too: its edit must not silently replace the one between.
      await expect(drafts.appendOp(id, op('c'), head, r1)).rejects.toBeInstanceOf(DraftRevisionConflict);
      await expect(drafts.replaceOps(id, [op('d')], head, r1)).rejects.toBeInstanceOf(DraftRevisionConflict);
      const stored = await drafts.get(id);
      expect(stored?.revision).toBe(r2);
      const rows = (await sql<{ op: string }>(app, `SELECT op FROM draft_ops ORDER BY seq`)).map((r) => r.op);
      expect(rows.map((r) => (JSON.parse(r) as { path: string }).path)).toEqual(['a', 'b']);
      // The routes go through the same revision: each edit answers with one more.
      const res = await app.inject({ method: 'POST', url: `/api/images/${id}/draft/ops`, payload: { op: 'mkdir', path: '/new' } });
      expect(res.statusCode, res.body).toBe(200);
      expect((await drafts.get(id))?.revision).toBe(r2 + 1);
    } finally {
      await app.close();
    }
  });

  it('removes at start-up only the pending images whose owner is gone', async () => {
    const data = `${dir}/owners`;
    let app = await build(data);
    const live = spawn('sleep', ['60'], { stdio: 'ignore' });
    const gone = spawn('true', [], { stdio: 'ignore' });
    await new Promise((resolve) => gone.on('exit', resolve));
    try {
      const ingestRepo = app.peel.index.ingest;
      const kept = await ingestRepo.begin({ pid: live.pid!, host: hostname(), started: new Date().toISOString() });
      await ingestRepo.begin({ pid: gone.pid!, host: hostname(), started: new Date().toISOString() });
      await app.close();
      app = await build(data);
      const pending = (await sql<{ id: string }>(app, `SELECT id FROM images WHERE state = 'pending'`)).map((r) => r.id);
      expect(pending).toEqual([kept.token]);
      expect(await app.peel.index.images.list()).toEqual([]);
    } finally {
      live.kill();
      await app.close();
    }
  });
});
