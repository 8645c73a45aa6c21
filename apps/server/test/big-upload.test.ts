import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DraftState, FsEntry, ImageDetail, ImageSummary, LayerChange, SearchResult } from '@peel/api';
import { fixture, removeDir, tempDir } from './helper.js';
import { generateDockerArchive, type GenFile } from './generate-image.js';

/**
 * The server as people run it (a child process, a real socket) ingesting an archive of several
 * hundred MB generated here: 100k small files, big incompressible files and a gzip layer.
 * Peak memory (VmHWM) must stay below the upload's size, other requests must keep being
 * answered during the ingest, and lookups on the 100k-file image must not walk the image.
 *
 * The bounds here catch a change of kind (bytes held in memory, a request that waits for the
 * ingest, a walk of every entry), each an order of magnitude away from what is measured, so a
 * busy shared machine does not trip them. The figures themselves are the bench's (bench/:
 * peak RSS, API p95 on 100k-file images, export times).
 */
const SMALL_FILES = Number(process.env.PEEL_BIG_SMALL_FILES ?? 100_000);
const BIG_FILE_MB = Number(process.env.PEEL_BIG_FILE_MB ?? 100);

// Measured: rewrite (300 MiB out) +142 MiB, flatten (338 MiB out) +227 MiB over the RSS before
// the export: the 100k-entry index and merged tree, not the bytes (big-export.test.ts shows
// 600-900 MiB exports of a few big files growing RSS by under 40 MiB). Holding the output would
// add its 300+ MiB on top.
const EXPORT_GROWTH_LIMIT_MB = Number(process.env.PEEL_BIG_EXPORT_GROWTH_LIMIT_MB ?? 450);

// Measured on 2 busy cores: about 3 s each for delete, draft and undo (one walk of 100k entries);
// quadratic work on 100k entries would take many minutes.
const DRAFT_LIMIT_MS = Number(process.env.PEEL_BIG_DRAFT_LIMIT_MS ?? 30_000);
// Measured (bench, API p95 on the 100k-file images): 1–60 ms per call; a call that walked every
// entry of the image would take seconds, on a busy machine tens of seconds.
const LOOKUP_P95_LIMIT_MS = Number(process.env.PEEL_BIG_P95_LIMIT_MS ?? 2500);

/**
 * Requests answered during a long ingest or export: a server that stopped answering until the
 * work ended would leave even the median read waiting for most of it. The median, not a tail: a
 * fast export's one planned pause (it reads the index of every entry first, about a second for
 * 100,000 of them on a busy machine) is a tail of twenty reads, and speed belongs to the bench.
 */
const answeredDuring = (seconds: number): number => Math.max(1000, (seconds * 1000) / 4);
// The ingest and the exports take about 10 s each alone, minutes on a machine shared by many jobs.
const LONG_TEST_MS = 900_000;

const SERVER_DIR = resolve(import.meta.dirname, '..');

function smallFiles(): GenFile[] {
  const files: GenFile[] = [];
  for (let i = 0; i < SMALL_FILES; i++) {
    files.push({ path: `usr/share/gen/d${String(i % 500).padStart(3, '0')}/file-${i}.txt`, content: `file ${i}\n`.repeat(1 + (i % 40)) });
  }
  return files;
}

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function timed(url: string): Promise<{ ms: number; status: number; body: string }> {
  const t = performance.now();
  const res = await fetch(url);
  const body = await res.text();
  return { ms: performance.now() - t, status: res.status, body };
}

function uploadFile(address: string, file: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(new URL('/api/images?name=big.tar', address), {
      method: 'POST',
      headers: { 'content-type': 'application/x-tar', 'content-length': statSync(file).size },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    createReadStream(file).pipe(req);
  });
}

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * q) - 1)];
const p95 = (xs: number[]): number => quantile(xs, 0.95);
const median = (xs: number[]): number => quantile(xs, 0.5);

describe('a multi-hundred-MB upload over a real socket', () => {
  let dir: string;
  let archive: string;
  let server: ChildProcess;
  let address: string;
  let bigId: string;

  beforeAll(async () => {
    dir = await tempDir('peel-big-');
    archive = join(dir, 'big.tar');
    await generateDockerArchive(archive, [
      { files: smallFiles() },
      { files: [1, 2, 3].map((n) => ({ path: `var/lib/blob/big-${n}.bin`, size: BIG_FILE_MB * 1024 * 1024, fill: 'random' as const })) },
      { gzip: true, files: [{ path: 'var/log/generated.log', size: 40 * 1024 * 1024, fill: 'text' }], whiteouts: ['usr/share/gen/d000/file-0.txt'] },
    ]);
    server = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
      cwd: SERVER_DIR,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PEEL_DATA_DIR: join(dir, 'data'), PEEL_WEB_DIST: join(dir, 'no-ui'), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    address = await new Promise<string>((ok, fail) => {
      let out = '';
      server.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /peel listening on (http:\/\/\S+)/.exec(out);
        if (m) ok(m[1]);
      });
      server.once('exit', (code) => fail(new Error(`server exited with ${code}: ${out}`)));
    });
  }, 600_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    await removeDir(dir);
  });

  it('ingests it with bounded memory while other requests keep being answered', async () => {
    const size = statSync(archive).size;
    expect(size).toBeGreaterThan(300 * 1024 * 1024);
    const small = await uploadFile(address, fixture('tiny-docker-legacy'));
    expect(small.status).toBe(201);
    const smallId = (JSON.parse(small.body) as ImageSummary).id;
    const startRss = procStatus(server.pid!, 'VmRSS');

    let uploading = true;
    const latencies: number[] = [];
    const probe = (async () => {
      while (uploading) {
        const r = await timed(`${address}/api/images/${smallId}/fs?path=/etc`);
        if (r.status !== 200) throw new Error(`read during ingest: ${r.status} ${r.body}`);
        latencies.push(r.ms);
        await new Promise((ok) => setTimeout(ok, 50));
      }
    })();
    const t0 = performance.now();
    const res = await uploadFile(address, archive);
    const seconds = (performance.now() - t0) / 1000;
    uploading = false;
    await probe;
    expect(res.status, res.body).toBe(201);
    bigId = (JSON.parse(res.body) as ImageSummary).id;

    const peak = procStatus(server.pid!, 'VmHWM');
    const summary = `[big upload] ${(size / 2 ** 20).toFixed(0)} MiB in ${seconds.toFixed(1)} s; RSS at start ${startRss.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB; ` +
      `reads during ingest: ${latencies.length}, median ${median(latencies).toFixed(1)} ms, p95 ${p95(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`;
    console.log(summary);
    // Measured: 265 MiB peak for 400 MiB with 100k files (the index is ~1.5 kB per entry): the
    // bytes stream through, only the entry index grows with the image.
    expect(peak - startRss, summary).toBeLessThan(size / 2 ** 20);
    // Reads were answered all along: 95% of them within a tenth of the ingest's time (far less, measured).
    expect(latencies.length, summary).toBeGreaterThan(5);
    expect(median(latencies), summary).toBeLessThan(answeredDuring(seconds));
  }, LONG_TEST_MS);

  it('answers lookups on the 100k-file image quickly', async () => {
    const detail = JSON.parse((await timed(`${address}/api/images/${bigId}`)).body) as ImageDetail;
    expect(detail.layers.map((l) => l.entryCount)).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
    expect(detail.fileCount).toBeGreaterThan(SMALL_FILES);
    const urls = [
      `/api/images/${bigId}`,
      `/api/images/${bigId}/fs?path=/`,
      `/api/images/${bigId}/fs?path=/usr/share/gen/d123`,
      `/api/images/${bigId}/fs?path=/usr/share/gen/d000&deleted=1`,
      `/api/images/${bigId}/fs?path=/usr/share/gen/d123&layer=0`,
      `/api/images/${bigId}/content?path=/usr/share/gen/d123/file-4623.txt`,
      `/api/images/${bigId}/layers/2/changes`,
      `/api/images/${bigId}/search?q=file-4623`,
      `/api/images/${bigId}/search?q=*-99999.txt`,
      `/api/images/${bigId}/archive`,
    ];
    const stats: string[] = [];
    for (const url of urls) {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await timed(`${address}${url}`);
        expect(r.status, url).toBe(200);
        times.push(r.ms);
      }
      stats.push(`${url.replace(`/api/images/${bigId}`, '')}: p95 ${p95(times).toFixed(1)} ms`);
      expect(p95(times), url).toBeLessThan(LOOKUP_P95_LIMIT_MS);
    }
    console.log(`[big image lookups]\n  ${stats.join('\n  ')}`);

    const dirList = JSON.parse((await timed(`${address}/api/images/${bigId}/fs?path=/usr/share/gen/d123`)).body) as FsEntry[];
    expect(dirList).toHaveLength(SMALL_FILES / 500);
    const deleted = JSON.parse((await timed(`${address}/api/images/${bigId}/fs?path=/usr/share/gen/d000&deleted=1`)).body) as FsEntry[];
    expect(deleted.find((e) => e.name === 'file-0.txt')).toMatchObject({ deletedBy: 2 });
    const search = JSON.parse((await timed(`${address}/api/images/${bigId}/search?q=file-4623.txt`)).body) as SearchResult;
    expect(search.items.map((i) => i.path)).toEqual(['/usr/share/gen/d123/file-4623.txt']);
    const changes = JSON.parse((await timed(`${address}/api/images/${bigId}/layers/2/changes`)).body) as LayerChange[];
    expect(changes.map((c) => c.change).sort()).toEqual(['added', 'added', 'deleted']);
    const range = await fetch(`${address}/api/images/${bigId}/content?path=/var/lib/blob/big-2.bin`, { headers: { range: 'bytes=104857000-' } });
    expect(range.status).toBe(206);
    expect((await range.arrayBuffer()).byteLength).toBe(BIG_FILE_MB * 1024 * 1024 - 104857000);
    const log = await fetch(`${address}/api/images/${bigId}/content?path=/var/log/generated.log`, { headers: { range: 'bytes=0-29' } });
    expect(await log.text()).toBe('line 0 of generated text for t');
  });

  it('exports it (rewrite and flatten) as a stream with bounded memory while other requests keep being answered', async () => {
    const edit = await fetch(`${address}/api/images/${bigId}/draft/content?path=${encodeURIComponent('/var/lib/blob/big-1.bin')}`, { method: 'DELETE' });
    expect(edit.status, await edit.text()).toBe(200);
    const put = await fetch(`${address}/api/images/${bigId}/draft/content?path=/etc/motd`, { method: 'PUT', body: 'exported\n' });
    expect(put.status).toBe(200);
    const lines: string[] = [];
    for (const mode of ['rewrite', 'flatten']) {
      // Reset the peak (VmHWM) so it measures this export alone.
      writeFileSync(`/proc/${server.pid}/clear_refs`, '5');
      const startRss = procStatus(server.pid!, 'VmRSS');
      let exporting = true;
      const latencies: number[] = [];
      const probe = (async () => {
        while (exporting) {
          const r = await timed(`${address}/api/images/${bigId}/fs?path=/usr/share/gen/d123`);
          if (r.status !== 200) throw new Error(`read during export: ${r.status}`);
          latencies.push(r.ms);
          await new Promise((ok) => setTimeout(ok, 50));
        }
      })();
      const t0 = performance.now();
      const res = await fetch(`${address}/api/images/${bigId}/export?mode=${mode}&tag=big:${mode}&compression=none`);
      expect(res.status).toBe(200);
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        bytes += chunk.length;
      }
      const seconds = (performance.now() - t0) / 1000;
      exporting = false;
      await probe;
      expect(bytes).toBe(Number(res.headers.get('content-length')));
      const peak = procStatus(server.pid!, 'VmHWM');
      const line = `${mode}: ${(bytes / 2 ** 20).toFixed(0)} MiB in ${seconds.toFixed(1)} s; RSS at start ${startRss.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB; ` +
        `reads during export: ${latencies.length}, median ${median(latencies).toFixed(1)} ms, p95 ${p95(latencies).toFixed(1)} ms`;
      lines.push(line);
      expect(bytes, line).toBeGreaterThan(2 * BIG_FILE_MB * 2 ** 20);
      // The engine holds every layer's entry index and the merged tree (~1 kB per entry, as the
      // ingest does); the bytes only stream through.
      expect(peak - startRss, line).toBeLessThan(EXPORT_GROWTH_LIMIT_MB);
      expect(median(latencies), line).toBeLessThan(answeredDuring(seconds));
    }
    console.log(`[big export]\n  ${lines.join('\n  ')}`);
  }, LONG_TEST_MS);

  it('edits the draft of the 100k-file image: deleting the folder of all of them, listing, undoing', async () => {
    const timedCall = async (url: string, init?: RequestInit) => {
      const t = performance.now();
      const res = await fetch(`${address}${url}`, init);
      const body = await res.text();
      expect(res.status, `${url}: ${body.slice(0, 200)}`).toBe(200);
      return { ms: performance.now() - t, body };
    };
    const base = `/api/images/${bigId}`;
    const del = await timedCall(`${base}/draft/content?path=/usr/share/gen`, { method: 'DELETE' });
    const state = JSON.parse(del.body) as DraftState;
    expect(state.ops.at(-1)).toMatchObject({ kind: 'deleted', type: 'dir' });
    expect(state.ops.at(-1)!.sizeDelta).toBeLessThan(-SMALL_FILES * 7);
    const get = await timedCall(`${base}/draft`);
    const list = await timedCall(`${base}/fs?path=/usr/share&draft=1&deleted=1`);
    expect((JSON.parse(list.body) as FsEntry[]).find((e) => e.name === 'gen')).toMatchObject({ edited: true, deletedBy: 3 });
    const undo = await timedCall(`${base}/draft/undo`, { method: 'POST' });
    const line = `delete ${del.ms.toFixed(0)} ms, draft ${get.ms.toFixed(0)} ms, listing ${list.ms.toFixed(0)} ms, undo ${undo.ms.toFixed(0)} ms`;
    console.log(`[big draft] ${line}`);
    // Each walks the 100k entries once (the engine sums a deleted folder's files).
    for (const ms of [del.ms, get.ms, undo.ms]) expect(ms, line).toBeLessThan(DRAFT_LIMIT_MS);
    expect(list.ms, line).toBeLessThan(DRAFT_LIMIT_MS);
  });
});
