import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { build, ingest, removeDir, storeState, tempDir } from './helper.js';
import { openDatabase } from '../src/store/sqlite/db.js';

describe('restart', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => removeDir(dir));

  async function snapshot(app: FastifyInstance, ids: string[]): Promise<Record<string, string>> {
    const urls = ['/api/images'];
    for (const id of ids) {
      urls.push(`/api/images/${id}`, `/api/images/${id}/fs?path=/`, `/api/images/${id}/fs?path=/opt/app&deleted=1`,
        `/api/images/${id}/fs?path=/etc&layer=0`, `/api/images/${id}/content?path=/etc/passwd`,
        `/api/images/${id}/layers/0/changes`, `/api/images/${id}/search?q=bin`, `/api/images/${id}/archive`);
    }
    const out: Record<string, string> = {};
    for (const url of urls) {
      const res = await app.inject(url);
      out[url] = `${res.statusCode} ${res.body}`;
    }
    return out;
  }

  it('keeps every image, answer for answer', async () => {
    const first = await build(dir);
    const ids = [await ingest(first, 'multi-docker-legacy'), await ingest(first, 'multi-podman-oci'), await ingest(first, 'tiny-multiarch-oci')];
    const before = await snapshot(first, ids);
    const state = await storeState(first, dir);
    await first.close();

    const second = await build(dir);
    try {
      expect(await snapshot(second, ids)).toEqual(before);
      expect(await storeState(second, dir)).toEqual(state);
    } finally {
      await second.close();
    }
  });

  it('gives images stored before the search index theirs, and the same answers', async () => {
    const first = await build(dir);
    const ids = (await first.inject('/api/images').then((r) => r.json() as Array<{ id: string }>)).map((i) => i.id);
    expect(ids.length).toBe(3);
    const queries = ['bin', 'BIN/', '/etc/pass', 'conf', 'opt/app/conf/d', 'no-such-thing', '*.conf'];
    const answers = async (app: FastifyInstance) => {
      const out: string[] = [];
      for (const id of ids) for (const q of queries) out.push((await app.inject(`/api/images/${id}/search?q=${encodeURIComponent(q)}&limit=1000`)).body);
      return out;
    };
    const before = await answers(first);
    expect(before.filter((b) => (JSON.parse(b) as { total: number }).total > 0).length).toBeGreaterThan(10);
    const state = await storeState(first, dir);
    await first.close();

    // As written before the search index: no lists of folders and names, no rows by name.
    const db = openDatabase(join(dir, 'peel.db'));
    const version = db.pragma('user_version', { simple: true }) as number;
    db.exec(`DROP TABLE fs_folders; DROP TABLE fs_names; DROP TABLE fs_by_name; DROP TABLE fs_by_name_ready; DROP TABLE fs_name_counts;
      PRAGMA user_version = ${version - 3}`);
    db.close();

    const second = await build(dir);
    try {
      expect(await answers(second)).toEqual(before);
      expect(await storeState(second, dir)).toEqual(state);
    } finally {
      await second.close();
    }
  });

  it('finishes what a killed process left: half-written images, orphan blobs, temp files', async () => {
    const app = await build(dir);
    const state = await storeState(app, dir);
    await app.close();

    // What a crash mid-ingest looks like on disk.
    const db = openDatabase(join(dir, 'peel.db'));
    db.prepare(`INSERT INTO images (id, state, name, tags, format, platform, platforms, config_digest, config, history, problems,
      archive_digest, archive_size, outer_compression, size, layer_count, file_count, created_at)
      VALUES ('deadbeefdeadbeef', 'pending', 'x', '[]', 'oci', '{}', '[]', 'sha256:0', x'7b7d', '[]', '[]', 'sha256:0', 0, 'none', 0, 0, 0, '')`).run();
    const key = db.prepare(`SELECT key FROM images WHERE id = 'deadbeefdeadbeef'`).pluck().get() as number;
    db.prepare(`INSERT INTO fs_nodes (image, parent, name, type, mode, uid, gid, uname, gname, size, mtime, dev_major, dev_minor, layer, implicit, child_count)
      VALUES (?, x'', x'61', 'file', 420, 0, 0, '', '', 0, 0, 0, 0, 0, 0, 0)`).run(key);
    db.close();
    writeFileSync(join(dir, 'blobs', 'sha256', 'ab'.repeat(32)), 'orphan');
    writeFileSync(join(dir, 'blobs', 'tmp', 'half-written'), 'partial');
    expect(readdirSync(join(dir, 'blobs', 'sha256'))).toContain('ab'.repeat(32));

    const again = await build(dir);
    try {
      expect(await storeState(again, dir)).toEqual(state);
      expect((await again.inject('/api/images/deadbeefdeadbeef')).statusCode).toBe(404);
    } finally {
      await again.close();
    }
  });
});
