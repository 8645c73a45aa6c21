import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ImageSummary } from '@peel/api';
import { build, removeDir, tempDir, upload } from './helper.js';
import { generateDockerArchive } from './generate-image.js';

/**
 * Exports stream: an image of a few big files (so the entry index is tiny) is exported in every
 * mode over a real socket, and the server's RSS stays flat however many bytes go out.
 */
const FILE_MB = Number(process.env.PEEL_EXPORT_FILE_MB ?? 200);
// Measured with 3 x 300 MiB: +36 MiB (rewrite, 600 MiB out), +2 MiB (flatten), +23 MiB (append,
// 900 MiB out). The bound is a change of kind: holding one file's bytes (or a layer's) in memory
// grows RSS by FILE_MB at least. Peak RSS itself is measured by the bench.
const GROWTH_LIMIT_MB = Number(process.env.PEEL_EXPORT_GROWTH_LIMIT_MB ?? FILE_MB);

describe('exports of an image of big files', () => {
  let dir: string;
  let app: FastifyInstance;
  let address: string;
  let id: string;
  beforeAll(async () => {
    dir = await tempDir('peel-big-export-');
    const archive = join(dir, 'big.tar');
    await generateDockerArchive(archive, [
      { files: [1, 2, 3].map((n) => ({ path: `var/lib/blob/big-${n}.bin`, size: FILE_MB * 2 ** 20, fill: 'random' as const })) },
      { files: [{ path: 'etc/motd', content: 'hello\n' }] },
    ]);
    app = await build(join(dir, 'data'));
    const res = await upload(app, archive);
    expect(res.statusCode, res.body).toBe(201);
    id = (res.json() as ImageSummary).id;
    const del = await app.inject({ method: 'DELETE', url: `/api/images/${id}/draft/content?path=/var/lib/blob/big-1.bin` });
    expect(del.statusCode).toBe(200);
    address = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 600_000);
  afterAll(async () => {
    await app?.close();
    await removeDir(dir);
  });

  it.each([['rewrite', 2], ['flatten', 2], ['append', 3]] as const)('%s streams with flat memory', async (mode, files) => {
    const start = process.memoryUsage().rss;
    let peak = start;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const res = await fetch(`${address}/api/images/${id}/export?mode=${mode}&compression=none`);
    expect(res.status).toBe(200);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    clearInterval(sampler);
    const line = `${mode}: ${(bytes / 2 ** 20).toFixed(0)} MiB out, RSS ${(start / 2 ** 20).toFixed(0)} → peak ${(peak / 2 ** 20).toFixed(0)} MiB`;
    console.log(`[big export] ${line}`);
    expect(bytes).toBe(Number(res.headers.get('content-length')));
    expect(bytes, line).toBeGreaterThan(files * FILE_MB * 2 ** 20);
    expect((peak - start) / 2 ** 20, line).toBeLessThan(GROWTH_LIMIT_MB);
  });

  it('a client that leaves while the layers are being built stops the build and leaves nothing behind', async () => {
    const listing = async () => {
      await app.peel.idle();
      return { blobs: (await readdir(join(dir, 'data', 'blobs', 'sha256'))).sort(), temp: await readdir(join(dir, 'data', 'blobs', 'tmp')) };
    };
    const before = await listing();
    // What a gzip flatten of the two files left would take at least: gzip (level 6, as the
    // export) of random bytes, timed here, on this machine as busy as it is now.
    const sample = randomBytes(16 * 2 ** 20);
    const g0 = performance.now();
    gzipSync(sample, { level: 6 });
    const fullBuildMs = ((performance.now() - g0) * (2 * FILE_MB)) / 16;
    const ac = new AbortController();
    const t0 = performance.now();
    const pending = fetch(`${address}/api/images/${id}/export?mode=flatten&compression=gzip`, { signal: ac.signal }).catch((e: Error) => e);
    await new Promise((ok) => setTimeout(ok, 500));
    ac.abort();
    expect(await pending).toBeInstanceOf(Error);
    let after = await listing();
    while ((after.blobs.length !== before.blobs.length || after.temp.length) && performance.now() - t0 < 20_000) {
      await new Promise((ok) => setTimeout(ok, 100));
      after = await listing();
    }
    const cleanedMs = performance.now() - t0;
    console.log(`[big export] cancelled flatten cleaned up ${(cleanedMs / 1000).toFixed(1)} s after it started; a whole build takes ${(fullBuildMs / 1000).toFixed(1)} s or more`);
    expect(after).toEqual(before);
    // And it stays so: a build still running would have a temp blob by now.
    await new Promise((ok) => setTimeout(ok, 1500));
    expect(await listing()).toEqual(before);
    // Cleaned up well before the build could have finished: the abort stopped it. The bound never
    // falls below the half second the export runs before its abort, plus a margin for the cleanup.
    const bound = Math.max(fullBuildMs / 2, 500 + 2000);
    expect(cleanedMs, `cleaned up after ${cleanedMs.toFixed(0)} ms; a whole build takes ${fullBuildMs.toFixed(0)} ms or more`).toBeLessThan(bound);
  });
});
