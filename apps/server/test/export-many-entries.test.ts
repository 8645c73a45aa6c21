import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ImageSummary } from '@peel/api';
import { build, removeDir, tempDir, upload } from './helper.js';
import { generateDockerArchive } from './generate-image.js';

const run = promisify(execFile);

/**
 * More files in a layer than the store reads at a time (a page of layer entries, a window of the
 * flatten's walk), so an export that read only part of a page, or lost a window, or let a folder
 * go before it was written, ships something GNU tar shows to be different from what the
 * generator wrote.
 */
const FILES = 10_000;
const FOLDERS = 40;
const pathOf = (i: number) => `d${i % FOLDERS}/f${i}.txt`;
const overwritten = (i: number) => i % 3 === 0;
const whitedOut = (i: number) => !overwritten(i) && i % 7 === 1;

describe('exports of an image of more entries than the store reads at a time', () => {
  let dir: string;
  let app: FastifyInstance;
  let id: string;
  const expected = new Map<string, string>();

  beforeAll(async () => {
    dir = await tempDir('peel-many-export-');
    const archive = join(dir, 'many.tar');
    const all = Array.from({ length: FILES }, (_, i) => i);
    await generateDockerArchive(archive, [
      { files: all.map((i) => ({ path: pathOf(i), content: `zero ${i}\n` })) },
      { files: all.filter(overwritten).map((i) => ({ path: pathOf(i), content: `one ${i}\n` })), whiteouts: all.filter(whitedOut).map(pathOf), gzip: true },
    ]);
    for (const i of all) {
      if (whitedOut(i) || pathOf(i).startsWith('d5/')) continue;
      expected.set(pathOf(i), overwritten(i) ? `one ${i}\n` : `zero ${i}\n`);
    }
    expected.set('d6/f6.txt', 'draft\n');
    app = await build(join(dir, 'data'));
    const res = await upload(app, archive);
    expect(res.statusCode, res.body).toBe(201);
    id = (res.json() as ImageSummary).id;
    const del = await app.inject({ method: 'DELETE', url: `/api/images/${id}/draft/content?path=/d5` });
    expect(del.statusCode, del.body).toBe(200);
    const put = await app.inject({ method: 'PUT', url: `/api/images/${id}/draft/content?path=/d6/f6.txt`, payload: 'draft\n', headers: { 'content-type': 'application/octet-stream' } });
    expect(put.statusCode, put.body).toBe(200);
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await removeDir(dir);
  });

  /** The export's layers, applied in order by GNU tar (whiteouts by hand), as path → content. */
  async function exported(mode: string): Promise<{ files: Map<string, string>; layers: string[][] }> {
    const res = await app.inject({ method: 'GET', url: `/api/images/${id}/export?mode=${mode}&compression=none` });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const out = join(dir, mode);
    await rm(out, { recursive: true, force: true });
    await mkdir(join(out, 'rootfs'), { recursive: true });
    await writeFile(join(out, 'image.tar'), res.rawPayload);
    await run('tar', ['-xf', join(out, 'image.tar'), '-C', out]);
    const [manifest] = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
    const layers: string[][] = [];
    for (const layer of manifest.Layers) {
      const listed = (await run('tar', ['-tf', join(out, layer)], { maxBuffer: 64 << 20 })).stdout.split('\n').filter(Boolean).map((p) => p.replace(/^\.\//, '').replace(/\/$/, ''));
      layers.push(listed);
      expect(listed.some((p) => p.endsWith('.wh..wh..opq')), layer).toBe(false);
      await run('tar', ['-xf', join(out, layer), '-C', join(out, 'rootfs')]);
      for (const p of listed.filter((p) => p.split('/').at(-1)!.startsWith('.wh.'))) {
        const target = p.replace(/\.wh\.([^/]*)$/, '$1');
        await rm(join(out, 'rootfs', p), { force: true });
        await rm(join(out, 'rootfs', target), { recursive: true, force: true });
      }
    }
    const files = new Map<string, string>();
    for (const entry of await readdir(join(out, 'rootfs'), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const full = join(entry.parentPath, entry.name);
      files.set(full.slice(join(out, 'rootfs').length + 1), await readFile(full, 'utf8'));
    }
    return { files, layers };
  }

  it.each(['flatten', 'rewrite', 'append'])('%s: GNU tar finds every file the generator wrote, less what the draft deleted, with its bytes', async (mode) => {
    const { files, layers } = await exported(mode);
    expect(files.size).toBe(expected.size);
    for (const [path, content] of expected) expect(files.get(path), path).toBe(content);
    if (mode === 'flatten') expect(layers).toHaveLength(1);
    // The deleted folder's files are gone from every layer, not only hidden.
    if (mode !== 'append') for (const listed of layers) expect(listed.filter((p) => p.startsWith('d5/'))).toEqual([]);
  }, 120_000);
});
