import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageSummary } from '@peel/api';
import Database from 'better-sqlite3';
import { dockerArchive } from '../src/image.js';
import { dir, file, tar, type Item } from '../src/tar.js';
import { removeDir, tempDir } from './helpers.js';
import { startServer, uploadStream, type ServerProcess } from './server-process.js';

/**
 * `kill -9` of the server process at random points of an ingest, a draft write, an export save
 * and an export download, round after round on the same data folder. After every restart: the
 * store is consistent (no image left pending, every referenced blob on disk and no other, no
 * temp file), the image that was complete answers exactly as before, no half image is listed,
 * and the interrupted request simply works when retried.
 */
const SEED = process.env.PEEL_KILL_SEED === undefined ? Date.now() % 100_000 : Number(process.env.PEEL_KILL_SEED);
if (!Number.isSafeInteger(SEED)) throw new Error(`PEEL_KILL_SEED must be an integer, not ${process.env.PEEL_KILL_SEED}`);
console.log(`[kill] seed ${SEED} (replay with PEEL_KILL_SEED=${SEED})`);

/**
 * A small deterministic PRNG (mulberry32) of its own for each test, from the seed and the test's
 * name, so one test run alone (-t) draws what it drew in the whole file. Kill points are
 * fractions of durations measured in the run: a replay kills in the same phase.
 */
function prng(name: string): () => number {
  let state = SEED;
  for (const c of name) state = Math.imul(state ^ c.charCodeAt(0), 0x01000193);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A test body whose failure names the seed that replays it. */
function replayable(name: string, body: (random: () => number) => Promise<void>): [string, () => Promise<void>] {
  return [name, async () => {
    try {
      await body(prng(name));
    } catch (e) {
      if (e instanceof Error) e.message = `${e.message}\n(seed ${SEED}: replay with PEEL_KILL_SEED=${SEED})`;
      throw e;
    }
  }];
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** An image big enough that a kill lands in every phase: 8,000 small files, then 16 MiB in a gzip layer. */
function bigImage(): { bytes: Buffer; probe: { path: string; sha: string } } {
  const small: Item[] = [dir('srv/'), ...Array.from({ length: 120 }, (_, d) => dir(`srv/d${d}/`))];
  for (let i = 0; i < 8_000; i++) small.push(file(`srv/d${i % 120}/f${i}.txt`, `file ${i}\n`.repeat(1 + (i % 20))));
  const blob = randomBytes(16 * 1024 * 1024);
  const layers = [tar(small), tar([dir('data/'), file('data/random.bin', blob)])];
  return { bytes: dockerArchive(layers, { outer: (items) => items.map((it) => (String(it.name) === 'layer1/layer.tar' ? { ...it, data: gzipSync(layers[1], { level: 1 }) } : it)) }), probe: { path: '/data/random.bin', sha: sha(blob) } };
}

describe('kill -9 at random points', () => {
  let root: string;
  let data: string;
  let server: ServerProcess;
  let big: ReturnType<typeof bigImage>;
  let keep: { id: string; detail: string; content: string };

  const start = async () => (server = await startServer({ PEEL_DATA_DIR: data }));
  const get = async (path: string): Promise<{ status: number; body: Buffer }> => {
    const res = await fetch(`${server.address}${path}`);
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    root = await tempDir();
    data = join(root, 'data');
    big = bigImage();
    await start();
    const small = dockerArchive([tar([file('etc/os-release', 'ID=keep\n'), file('etc/passwd', 'root:x:0:0::/root:/bin/sh\n')])]);
    const res = await uploadStream(server.address, [small], { size: small.length });
    expect(res.status).toBe(201);
    const id = (JSON.parse(res.body) as ImageSummary).id;
    keep = { id, detail: (await get(`/api/images/${id}`)).body.toString(), content: (await get(`/api/images/${id}/content?path=/etc/os-release`)).body.toString() };
  });
  afterAll(async () => {
    await server?.stop();
    await removeDir(root);
  });

  /** Restarts after a kill and checks everything the issue asks for; returns the images listed. */
  async function restartAndCheck(round: string, whole: (id: string) => Promise<void> = bigIsWhole): Promise<ImageSummary[]> {
    await start();
    const list = JSON.parse((await get('/api/images')).body.toString()) as ImageSummary[];
    expect((await get(`/api/images/${keep.id}`)).body.toString(), `${round}: the complete image is intact`).toBe(keep.detail);
    expect((await get(`/api/images/${keep.id}/content?path=/etc/os-release`)).body.toString()).toBe(keep.content);
    for (const image of list) {
      expect((await get(`/api/images/${image.id}`)).status, `${round}: ${image.id} readable`).toBe(200);
      if (image.id !== keep.id) await whole(image.id);
    }
    // The database and the blob folder agree (read beside the idle server: WAL allows it).
    const db = new Database(join(data, 'peel.db'), { readonly: true });
    try {
      expect(db.prepare(`SELECT count(*) FROM images WHERE state != 'ready'`).pluck().get(), `${round}: nothing pending`).toBe(0);
      const referenced = new Set((db.prepare(`SELECT digest FROM image_blobs UNION SELECT digest FROM layers UNION SELECT tar_blob FROM layers
        UNION SELECT blob FROM draft_ops WHERE blob IS NOT NULL`).pluck().all() as string[]).map((d) => d.slice(7)));
      const onDisk = new Set(readdirSync(join(data, 'blobs', 'sha256')));
      expect([...referenced].filter((d) => !onDisk.has(d)), `${round}: every referenced blob is on disk`).toEqual([]);
      expect([...onDisk].filter((d) => !referenced.has(d)), `${round}: no orphan blob`).toEqual([]);
    } finally {
      db.close();
    }
    expect(readdirSync(join(data, 'blobs', 'tmp')), `${round}: temp files cleaned`).toEqual([]);
    return list;
  }

  /** Any image listed besides `keep` must be whole: here, the big one. */
  async function bigIsWhole(id: string): Promise<void> {
    const probe = await get(`/api/images/${id}/content?path=${big.probe.path}`);
    expect(probe.status, 'no half image is listed').toBe(200);
    expect(sha(probe.body)).toBe(big.probe.sha);
    expect(JSON.parse((await get(`/api/images/${id}/fs?path=/srv/d7`)).body.toString())).toHaveLength(67); // i % 120 === 7 for i < 8000
  }

  /** Starts `run`, kills the server `delay` ms later (the request may have finished by then). */
  async function killDuring(what: string, run: () => Promise<unknown>, delay: number): Promise<void> {
    const pending = run().then((r) => `finished (${JSON.stringify(r).slice(0, 40)})`, (e: Error) => `cut (${e.message.slice(0, 40)})`);
    await sleep(delay);
    await server.kill9();
    console.log(`[kill] ${what}: killed after ${delay} ms; the request ${await pending}`);
  }

  let bodySent = false;
  const uploadBig = () => {
    bodySent = false;
    const chunks = (function* () {
      for (let at = 0; at < big.bytes.length; at += 1024 * 1024) yield big.bytes.subarray(at, at + 1024 * 1024);
      bodySent = true;
    })();
    return uploadStream(server.address, chunks, { size: big.bytes.length }).then((r) => r.status);
  };

  it(...replayable('during ingests (while streaming and while writing the index)', async (random) => {
    const t = performance.now();
    const first = await uploadBig();
    const full = performance.now() - t;
    expect(first).toBe(201);
    const firstId = (JSON.parse((await get('/api/images')).body.toString()) as ImageSummary[]).find((i) => i.id !== keep.id)!.id;
    await fetch(`${server.address}/api/images/${firstId}`, { method: 'DELETE' });
    console.log(`[kill] a whole ingest takes ${full.toFixed(0)} ms`);
    for (let round = 0; round < 3; round++) {
      // Rounds alternate between the streaming phase and the index-writing phase at its end.
      const delay = Math.round(round % 2 === 0 ? 20 + random() * full * 0.6 : full * (0.75 + random() * 0.25));
      await killDuring(`ingest ${round}`, uploadBig, delay);
      console.log(`[kill]   ${bodySent ? 'the client had sent the whole body' : 'mid-upload: the client was still sending'}`);
      const listed = await restartAndCheck(`ingest round ${round}`);
      // Retry: the same upload simply works (200 when the killed one had finished).
      expect([200, 201]).toContain(await uploadBig());
      const big = (JSON.parse((await get('/api/images')).body.toString()) as ImageSummary[]).filter((i) => i.id !== keep.id);
      expect(big).toHaveLength(1);
      expect(listed.length).toBeLessThanOrEqual(2);
      await fetch(`${server.address}/api/images/${big[0].id}`, { method: 'DELETE' });
    }
  }));

  it(...replayable('during a draft write', async (random) => {
    const body = randomBytes(16 * 1024 * 1024);
    const put = () => new Promise<number>((done, fail) => {
      const req = request(new URL(`/api/images/${keep.id}/draft/content?path=/opt/new.bin`, server.address), { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      });
      req.on('error', fail);
      (async () => {
        for (let at = 0; at < body.length; at += 1024 * 1024) {
          if (!req.write(body.subarray(at, at + 1024 * 1024))) await new Promise((r) => req.once('drain', r));
          await sleep(15);
        }
        req.end();
      })().catch(() => undefined);
    });
    for (let round = 0; round < 2; round++) {
      await killDuring(`draft write ${round}`, put, Math.round(20 + random() * 300));
      await restartAndCheck(`draft round ${round}`);
      expect((await get(`/api/images/${keep.id}/draft`)).status).toBe(200);
    }
    expect(await put()).toBe(200);
    const written = await get(`/api/images/${keep.id}/content?path=/opt/new.bin&draft=1`);
    expect(written.status).toBe(200);
    expect(sha(written.body)).toBe(sha(body));
  }));

  it(...replayable('during an export save and an export download', async (random) => {
    const exportIsWhole = async (id: string) => {
      expect((await get(`/api/images/${id}/content?path=/etc/os-release`)).body.toString(), 'no half export is listed').toBe(keep.content);
      expect((await get(`/api/images/${id}/content?path=/opt/new.bin`)).status).toBe(200);
    };
    // The draft to export, written here whatever ran before: 16 MiB, so a kill can land mid-export.
    const written = await fetch(`${server.address}/api/images/${keep.id}/draft/content?path=/opt/new.bin`, { method: 'PUT', body: randomBytes(16 * 1024 * 1024), headers: { 'content-type': 'application/octet-stream' } });
    expect(written.status, await written.text()).toBe(200);
    const save = () => fetch(`${server.address}/api/images/${keep.id}/export/save?mode=append`, { method: 'POST' }).then((r) => r.status);
    for (let round = 0; round < 2; round++) {
      await killDuring(`export save ${round}`, save, Math.round(10 + random() * 400));
      const listed = await restartAndCheck(`export save round ${round}`, exportIsWhole);
      expect(listed.length).toBeLessThanOrEqual(2);
    }
    const saved = await save();
    expect([200, 201]).toContain(saved);
    const download = async () => {
      const res = await fetch(`${server.address}/api/images/${keep.id}/export?mode=rewrite&compression=gzip`);
      const reader = res.body!.getReader();
      for (;;) {
        const { done } = await reader.read();
        if (done) return res.status;
        await sleep(5);
      }
    };
    await killDuring('export download', download, Math.round(50 + random() * 300));
    await restartAndCheck('export download', exportIsWhole);
    expect(await download()).toBe(200);
  }));
});
