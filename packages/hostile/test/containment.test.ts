import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus, ingests, refusals, ESCAPE_MARKER } from '../src/corpus.js';
import { escapedMarkers, removeDir, tempDir } from './helpers.js';
import { startServer, uploadStream, type ServerProcess } from './server-process.js';

/**
 * The whole corpus against a server process whose working directory, HOME and TMPDIR are empty
 * folders of their own: afterwards they are still empty, the data folder holds only the
 * database and the blob store, and no escape marker exists anywhere an escape would land.
 */
describe('nothing is written outside the data folder', () => {
  let root: string;
  let server: ServerProcess;
  const dirs = { cwd: '', home: '', tmp: '', data: '' };

  beforeAll(async () => {
    root = await tempDir();
    for (const k of Object.keys(dirs) as Array<keyof typeof dirs>) mkdirSync((dirs[k] = join(root, k)));
    server = await startServer({ PEEL_DATA_DIR: dirs.data, HOME: dirs.home, TMPDIR: dirs.tmp, XDG_DATA_HOME: join(dirs.home, 'xdg') }, dirs.cwd);
  });
  afterAll(async () => {
    await server?.stop();
    await removeDir(root);
  });

  it('every corpus case, over a real socket', async () => {
    const slow: string[] = [];
    for (const c of corpus) {
      const t = performance.now();
      const bytes = c.bytes();
      const res = await uploadStream(server.address, [bytes], { size: bytes.length, path: `/api/images?name=${c.name}` });
      if (ingests(c)) {
        expect(res.status, `${c.name}: ${res.body.slice(0, 300)}`).toBe(201);
        const id = JSON.parse(res.body).id as string;
        for (const path of ['/', ...(c.merged?.has ?? []).map((p) => `/${p}`)]) {
          const r = await fetch(`${server.address}/api/images/${id}/content?path=${encodeURIComponent(path)}`);
          expect(r.status, `${c.name} ${path}`).toBeLessThan(500);
        }
      } else {
        expect(res.status, `${c.name}: ${res.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
        expect(refusals(c)).toContain(JSON.parse(res.body).error.code);
      }
      const ms = performance.now() - t;
      if (ms > 500) slow.push(`${c.name} ${ms.toFixed(0)} ms`);
    }
    if (slow.length) console.log(`[containment] slow cases: ${slow.join(', ')}`);
    await server.stop();
    expect(readdirSync(dirs.cwd), 'working directory').toEqual([]);
    expect(readdirSync(dirs.home), 'HOME').toEqual([]);
    // tsx (the dev runner, not Peel) keeps its compile cache in TMPDIR.
    expect(readdirSync(dirs.tmp).filter((n) => !n.startsWith('tsx-')), 'TMPDIR').toEqual([]);
    expect(readdirSync(dirs.data).filter((n) => !/^peel\.db(-wal|-shm)?$/.test(n)), 'data folder').toEqual(['blobs']);
    expect(readdirSync(join(dirs.data, 'blobs')).sort()).toEqual(['sha256', 'tmp']);
    expect(readdirSync(join(dirs.data, 'blobs', 'tmp'))).toEqual([]);
    expect(await escapedMarkers(ESCAPE_MARKER, ['/tmp', '/', '/etc', root, dirs.data])).toEqual([]);
  });
});
