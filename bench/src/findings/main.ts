/**
 * What findings cost on a large image (issue 8: "adds ≤ 30% to ingest time"). In one process:
 * ingest the archive through the real app (streamed upload, SQLite store), then ask for its
 * findings (first request: read back from the store + analyze, then cached), and again (cache).
 * Wall times swing with the machine's load; the process's CPU time (user + system, main thread
 * and the libuv pool) is the steadier measure, so both are printed.
 *
 *   cd bench && tsx --conditions=source src/findings/main.ts [archive.tar] [runs]
 *
 * Default archive: out/images/large/large-docker.tar (made by `pnpm bench`'s generator).
 */
import { createReadStream, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FindingsResponse, ImageSummary } from '@peel/api';
import { buildApp } from '../../../apps/server/src/app.js';

const archive = resolve(process.argv[2] ?? join(import.meta.dirname, '../../out/images/large/large-docker.tar'));
const runs = Number(process.argv[3] ?? 3);

interface Run { ingestMs: number; ingestCpuMs: number; findingsCpuMs: number; findingsMs: number; cachedMs: number; analysisMs: number; stallMs: number; secrets: number; scanned: number; bytesRead: number; responseBytes: number }

async function once(): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'peel-findings-bench-'));
  const app = await buildApp({ dataDir: dir });
  try {
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const u = process.cpuUsage(since);
      return (u.user + u.system) / 1000;
    };
    let cpu = process.cpuUsage();
    let t = performance.now();
    const up = await app.inject({
      method: 'POST',
      url: '/api/images?name=bench.tar',
      headers: { 'content-type': 'application/x-tar', 'content-length': String(statSync(archive).size) },
      payload: createReadStream(archive),
    });
    const ingestMs = performance.now() - t;
    const ingestCpuMs = cpuMs(cpu);
    if (up.statusCode !== 201) throw new Error(`upload: ${up.statusCode} ${up.body.slice(0, 300)}`);
    const id = (up.json() as ImageSummary).id;
    await app.peel.idle();

    // The longest the event loop was held while the findings were computed: how long other requests wait.
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    cpu = process.cpuUsage();
    t = performance.now();
    const first = await app.inject(`/api/images/${id}/findings`);
    const findingsMs = performance.now() - t;
    const findingsCpuMs = cpuMs(cpu);
    delay.disable();
    const stallMs = delay.max / 1e6;
    if (first.statusCode !== 200) throw new Error(`findings: ${first.statusCode} ${first.body.slice(0, 300)}`);
    t = performance.now();
    await app.inject(`/api/images/${id}/findings`);
    const cachedMs = performance.now() - t;
    const f = first.json() as FindingsResponse;
    return { ingestMs, ingestCpuMs, findingsCpuMs, findingsMs, cachedMs, stallMs, analysisMs: f.scan.millis, secrets: f.secrets.length, scanned: f.scan.filesScanned, bytesRead: f.scan.bytesRead, responseBytes: first.body.length };
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const results: Run[] = [];
for (let i = 0; i < runs; i++) {
  const r = await once();
  results.push(r);
  console.log(`run ${i + 1}: ingest ${(r.ingestMs / 1000).toFixed(2)} s (CPU ${(r.ingestCpuMs / 1000).toFixed(2)} s); findings first ${(r.findingsMs / 1000).toFixed(2)} s (CPU ${(r.findingsCpuMs / 1000).toFixed(2)} s) ` +
    `(analysis ${(r.analysisMs / 1000).toFixed(2)} s, ${r.scanned} files / ${(r.bytesRead / 2 ** 20).toFixed(1)} MiB read, longest event-loop stall ${r.stallMs.toFixed(0)} ms), cached ${r.cachedMs.toFixed(0)} ms, ` +
    `${(r.responseBytes / 1024).toFixed(0)} KiB JSON, ${r.secrets} secrets`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ingest = median(results.map((r) => r.ingestMs));
const findings = median(results.map((r) => r.findingsMs));
console.log(JSON.stringify({ archive, archiveBytes: statSync(archive).size, runs, ingestMs: Math.round(ingest), findingsMs: Math.round(findings), share: +(findings / ingest).toFixed(3), shares: results.map((r) => +(r.findingsMs / r.ingestMs).toFixed(3)), cpuShare: +(median(results.map((r) => r.findingsCpuMs / r.ingestCpuMs))).toFixed(3), maxStallMs: Math.round(Math.max(...results.map((r) => r.stallMs))), cachedMs: Math.round(median(results.map((r) => r.cachedMs))) }));
