import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { get, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { encodePathParam } from '@peel/api';
import { run, settle, spawnText } from '../util/exec.js';
import { log } from '../util/log.js';
import { median } from '../util/stats.js';
import { skopeoCopy, umociUnpack, type Layout } from './tools.js';

export type ExportKind = 'append' | 'rewrite' | 'flatten' | 'flatten-none';

export interface ExportStat {
  kind: ExportKind;
  ms: number[];
  /** Until the reply's headers: the new layers are built, streaming starts. */
  headersMs: number[];
  bytes: number;
}

/** Writes one file of the image through the draft routes (the "one-file edit"). */
export async function editOneFile(address: string, id: string, path: string): Promise<void> {
  const res = await fetch(new URL(`/api/images/${id}/draft/content?path=${encodePathParam(`/${path}`)}`, address), {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: `edited by pnpm bench at ${path}\n`,
  });
  if (res.status !== 200) throw new Error(`PUT draft/content answered ${res.status}: ${await res.text()}`);
}

/**
 * GET /api/images/:id/export with node:http, piped to a file: the time until the last byte is
 * on disk, and until the reply's headers (the server prepares the new layers before answering).
 */
export async function downloadExport(address: string, id: string, kind: ExportKind, dest: string): Promise<{ ms: number; headersMs: number; bytes: number }> {
  const mode = kind === 'flatten-none' ? 'flatten' : kind;
  const compression = kind === 'flatten-none' ? 'none' : 'gzip';
  await settle();
  const t0 = performance.now();
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    get(new URL(`/api/images/${id}/export?mode=${mode}&compression=${compression}`, address), resolve).on('error', reject);
  });
  const headersMs = performance.now() - t0;
  if (res.statusCode !== 200) {
    let body = '';
    for await (const c of res) body += String(c);
    throw new Error(`export ${kind} answered ${res.statusCode}: ${body.slice(0, 500)}`);
  }
  await pipeline(res, createWriteStream(dest));
  const ms = performance.now() - t0;
  const bytes = (await stat(dest)).size;
  if (bytes !== Number(res.headers['content-length'])) throw new Error(`export ${kind}: ${bytes} bytes written, Content-Length said ${res.headers['content-length']}`);
  return { ms, headersMs, bytes };
}

/** Every export kind `runs` times; the first archive of each kind is checked by `skopeo inspect`. */
export async function measureExports(address: string, id: string, work: string, runs: number, layers: number): Promise<ExportStat[]> {
  const out: ExportStat[] = [];
  for (const kind of ['append', 'rewrite', 'flatten', 'flatten-none'] as ExportKind[]) {
    const st: ExportStat = { kind, ms: [], headersMs: [], bytes: 0 };
    for (let i = 0; i < runs; i++) {
      const dest = join(work, `export-${kind}.tar`);
      const r = await downloadExport(address, id, kind, dest);
      st.ms.push(r.ms);
      st.headersMs.push(r.headersMs);
      st.bytes = r.bytes;
      if (i === 0) await checkExport(dest, kind === 'append' ? layers + 1 : kind.startsWith('flatten') ? 1 : layers + 1);
      await rm(dest, { force: true });
    }
    out.push(st);
  }
  return out;
}

/** The export must be an archive skopeo reads, with the layer count the mode implies. */
async function checkExport(file: string, layers: number): Promise<void> {
  const { stdout } = await spawnText('skopeo', ['inspect', `docker-archive:${file}`]);
  const n = (JSON.parse(stdout) as { Layers: string[] }).Layers.length;
  if (n !== layers) throw new Error(`export ${file}: skopeo sees ${n} layers, expected ${layers}`);
}

/** `cp` of the archive: what a download of an unchanged image costs at best. */
export async function copyBaseline(file: string, work: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  const dest = join(work, 'cp-baseline.tar');
  for (let i = 0; i < runs; i++) {
    await rm(dest, { force: true });
    await settle();
    times.push((await run('cp', [file, dest])).ms);
  }
  await rm(dest, { force: true });
  return times;
}

/**
 * The same archive served as a plain file by a bare node:http server (another process) and
 * downloaded by the same client as the exports: what any Node HTTP download of those bytes
 * costs on this machine, the floor for an export that streams them.
 */
export async function httpBaseline(file: string, work: string, runs: number): Promise<number[]> {
  const script = `const http = require('node:http'); const fs = require('node:fs');
    const s = http.createServer((q, r) => { r.writeHead(200, { 'content-length': fs.statSync(process.argv[1]).size }); fs.createReadStream(process.argv[1], { highWaterMark: 1 << 20 }).pipe(r); });
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding('utf8').once('data', (d: string) => resolve(Number(d.trim())));
      child.once('exit', (code) => reject(new Error(`the HTTP baseline server exited (${code})`)));
    });
    const times: number[] = [];
    const dest = join(work, 'http-baseline.tar');
    for (let i = 0; i < runs; i++) {
      await settle();
      const t0 = performance.now();
      const res = await new Promise<IncomingMessage>((resolve, reject) => void get(`http://127.0.0.1:${port}/`, resolve).on('error', reject));
      await pipeline(res, createWriteStream(dest));
      times.push(performance.now() - t0);
      await rm(dest, { force: true });
    }
    return times;
  } finally {
    child.kill();
  }
}

/** GNU tar writing an extracted merged filesystem as one tar (and as .tar.gz): what flatten does. */
export async function tarBaseline(rootfs: string, work: string, runs: number): Promise<{ plain: number[]; gzip: number[] }> {
  const plain: number[] = [];
  const gzip: number[] = [];
  const dest = join(work, 'tar-baseline.tar');
  for (let i = 0; i < runs; i++) {
    await settle();
    plain.push((await run('tar', ['-cf', dest, '-C', rootfs, '.'])).ms);
    await rm(dest, { force: true });
    await settle();
    gzip.push((await run('tar', ['-czf', `${dest}.gz`, '-C', rootfs, '.'])).ms);
    await rm(`${dest}.gz`, { force: true });
  }
  return { plain, gzip };
}

export const medianOf = (s: { ms: number[] }): number => median(s.ms);

export interface PigzStat {
  /** Peel's flatten with a gzip layer, the whole download (ms). */
  flattenMs: number[];
  /** `tar -I pigz -cf` of the merged rootfs (ms), each run right after a flatten. */
  pigzMs: number[];
  flattenBytes: number;
  pigzBytes: number;
  /** 1-minute load average before each pair. */
  load: number[];
}

/**
 * Flatten with a gzip layer against `tar -I pigz -cf` of the same merged filesystem (umoci's
 * rootfs, made here untimed), interleaved run by run: both compress on every core, so they must
 * see the same machine — on a shared machine a quiet spell would otherwise favour one of them.
 */
export async function flattenVsPigz(address: string, id: string, file: string, layout: Layout, work: string, runs: number): Promise<PigzStat> {
  const oci = join(work, 'pigz-oci');
  const bundle = join(work, 'pigz-bundle');
  await skopeoCopy(file, layout, oci);
  await umociUnpack(oci, bundle);
  await rm(oci, { recursive: true, force: true });
  const st: PigzStat = { flattenMs: [], pigzMs: [], flattenBytes: 0, pigzBytes: 0, load: [] };
  const dest = join(work, 'pigz-baseline.tar.gz');
  const flat = join(work, 'export-flatten-vs-pigz.tar');
  try {
    for (let i = 0; i < runs; i++) {
      st.load.push(loadavg()[0]);
      const r = await downloadExport(address, id, 'flatten', flat);
      st.flattenMs.push(r.ms);
      st.flattenBytes = r.bytes;
      await rm(flat, { force: true });
      await settle();
      st.pigzMs.push((await run('tar', ['-I', 'pigz', '-cf', dest, '-C', join(bundle, 'rootfs'), '.'])).ms);
      st.pigzBytes = (await stat(dest)).size;
      await rm(dest, { force: true });
      log(`flatten with gzip ${(st.flattenMs[i] / 1000).toFixed(1)} s, tar -I pigz -cf ${(st.pigzMs[i] / 1000).toFixed(1)} s (pair ${i + 1}/${runs}, load ${st.load[i].toFixed(1)})`);
    }
    return st;
  } finally {
    await rm(bundle, { recursive: true, force: true });
  }
}
