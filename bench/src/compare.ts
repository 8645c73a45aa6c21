/**
 * `pnpm --filter bench run compare`: comparing two images through the server (the bundle `pnpm
 * start` runs, SQLite), on generated images:
 * - many-files (about 300,000 entries) against itself, and against a copy that differs in one
 *   file (a one-file draft edit saved with `export/save?mode=append`): the summary's time, cold
 *   (first request of a pair of sides; every later one is served from the server's cache);
 * - files-100k-a against files-100k-b, unrelated (no layer in common, almost every file modified):
 *   the summary's time cold, the server's peak RSS while it computes (VmHWM reset just before,
 *   through /proc/<pid>/clear_refs), then folder pages and pages of the flat list of changes.
 * Targets: summary ≤ 100 ms for the first two, ≤ 2 s for the unrelated pair, folder page p95 ≤ 50 ms.
 * Prints a markdown table and writes out/results/compare.json. Options: --runs=N (cold runs per pair, at most 4, default 2).
 */
import { writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { ComparePage, CompareSummary, ImageSummary } from '@peel/api';
import { generateImage } from './gen/generate.js';
import { editOneFile } from './measure/export.js';
import { startServer, uploadFile } from './measure/server.js';
import { median, percentile } from './util/stats.js';
import { log } from './util/log.js';

const benchDir = resolve(import.meta.dirname, '..');
const repo = resolve(benchDir, '..');
const out = join(benchDir, 'out');
const opt = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const runs = Number(opt('runs', '2'));

const many = await generateImage(out, 'many-files', 1);
const [ua, ub] = [await generateImage(out, 'files-100k-a', 1), await generateImage(out, 'files-100k-b', 1)];
const work = join(out, 'compare-store');
await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });
const server = await startServer({ repo, dataDir: work, webDist: join(work, 'no-web') });
const url = (path: string) => new URL(path, server.address);

async function upload(file: string, name: string): Promise<string> {
  const t0 = performance.now();
  const res = await uploadFile(server.address, file, name);
  if (res.status !== 201 && res.status !== 200) throw new Error(`upload of ${name}: ${res.status} ${res.body.slice(0, 300)}`);
  log(`${name}: uploaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return (JSON.parse(res.body) as ImageSummary).id;
}

async function timed<T>(path: string): Promise<{ ms: number; body: T }> {
  const t0 = performance.now();
  const res = await fetch(url(path));
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { ms, body: JSON.parse(text) as T };
}

/** A side: an image, optionally as of a layer. */
interface Side {
  id: string;
  layer?: number;
}
const sidesQuery = (p: Side, q: Side) => `a=${p.id}${p.layer === undefined ? '' : `&aLayer=${p.layer}`}&b=${q.id}${q.layer === undefined ? '' : `&bLayer=${q.layer}`}`;

/** Resets the server's peak RSS (VmHWM) to its current RSS (Linux ≥ 4.0). */
const resetPeak = () => writeFileSync(`/proc/${server.pid}/clear_refs`, '5');

try {
  const m = await upload(many.legacy, 'many-files');
  // The copy: one file rewritten through a draft, saved as a new image (the same layers plus one).
  await editOneFile(server.address, m, many.facts.editPath);
  const saved = await fetch(url(`/api/images/${m}/export/save?mode=append`), { method: 'POST' });
  if (saved.status !== 201) throw new Error(`export/save: ${saved.status} ${await saved.text()}`);
  const copy = ((await saved.json()) as ImageSummary).id;
  await fetch(url(`/api/images/${m}/draft`), { method: 'DELETE' });
  const a = await upload(ua.legacy, 'files-100k-a');
  const b = await upload(ub.legacy, 'files-100k-b');
  const idleMiB = server.rssMiB();

  /** Cold summaries of a pair: each run a key the cache has not seen (mtime toggled, sides swapped). */
  async function cold(x: Side, y: Side, label: string): Promise<{ ms: number[]; rssBeforeMiB: number[]; peakMiB: number[]; summary: CompareSummary }> {
    const ms: number[] = [];
    const rssBeforeMiB: number[] = [];
    const peakMiB: number[] = [];
    let summary: CompareSummary | null = null;
    for (let run = 0; run < runs; run++) {
      const [p, q] = (run >> 1) % 2 === 0 ? [x, y] : [y, x];
      rssBeforeMiB.push(server.rssMiB());
      resetPeak();
      const r = await timed<CompareSummary>(`/api/compare?${sidesQuery(p, q)}&mtime=${run % 2}`);
      peakMiB.push(server.peakMiB());
      ms.push(r.ms);
      summary ??= r.body;
      const f = r.body.fs;
      log(`${label} run ${run}: ${r.ms.toFixed(1)} ms, RSS ${rssBeforeMiB[run].toFixed(0)} MiB before, peak ${peakMiB[run].toFixed(0)} MiB; entries ${f.entries.a}/${f.entries.b}, added ${f.added.count}, removed ${f.removed.count}, modified ${f.modified.count}, layers shared ${r.body.layers.shared}; load ${loadavg()[0].toFixed(1)}`);
    }
    return { ms, rssBeforeMiB, peakMiB, summary: summary! };
  }

  const self = await cold({ id: m }, { id: m }, 'many-files vs itself');
  const oneFile = await cold({ id: m }, { id: copy }, 'many-files vs one-file copy');
  if (oneFile.summary.fs.modified.count !== 1 || oneFile.summary.fs.added.count !== 0 || oneFile.summary.fs.removed.count !== 0) throw new Error(`the one-file copy compares as ${JSON.stringify(oneFile.summary.fs)}`);
  const unrelated = await cold({ id: a }, { id: b }, 'files-100k a vs b');
  // The pair the pages read, computed once more if the cache let it go (it keeps few this size).
  await timed(`/api/compare?a=${a}&b=${b}`);
  const warm = [];
  for (let i = 0; i < 20; i++) warm.push((await timed(`/api/compare?a=${a}&b=${b}`)).ms);

  // Folder pages of the cached unrelated comparison: the root, /data, and 40 of its folders, by name and by delta.
  const folders = ['/', '/data', ...Array.from({ length: 40 }, (_, i) => `/data/d${String((i * 37) % 90).padStart(3, '0')}`)];
  const fsMs: number[] = [];
  for (const sort of ['name', 'delta']) {
    for (const path of folders) fsMs.push((await timed<ComparePage>(`/api/compare/fs?a=${a}&b=${b}&paged=1&path=${path}&sort=${sort}`)).ms);
  }
  // The flat list: its first pages, cursor after cursor.
  const changesMs: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 40; i++) {
    const r: { ms: number; body: ComparePage } = await timed<ComparePage>(`/api/compare/changes?a=${a}&b=${b}&paged=1${cursor ? `&cursor=${cursor}` : ''}`);
    changesMs.push(r.ms);
    cursor = r.body.next;
    if (!cursor) break;
  }

  // As of their first layer (50,000 files each): sides read from the versions the index says were alive after it.
  const asOf = await cold({ id: a, layer: 0 }, { id: b, layer: 0 }, 'files-100k a vs b as of layer 0');

  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  const mem = (r: { rssBeforeMiB: number[]; peakMiB: number[] }) => r.peakMiB.map((p, i) => `${r.rssBeforeMiB[i].toFixed(0)} → ${p.toFixed(0)}`).join(', ') + ' MiB';
  const rows = [
    ['many-files vs itself', `${many.entries.toLocaleString('en')} entries`, `${fmt(self.ms)} ms`, '≤ 100 ms', mem(self)],
    ['many-files vs a one-file copy', `${many.entries.toLocaleString('en')} entries`, `${fmt(oneFile.ms)} ms`, '≤ 100 ms', mem(oneFile)],
    ['files-100k-a vs files-100k-b', `${ua.entries.toLocaleString('en')} / ${ub.entries.toLocaleString('en')} entries`, `${fmt(unrelated.ms)} ms (cached: p50 ${median(warm).toFixed(1)} ms)`, '≤ 2 s', mem(unrelated)],
    ['the same as of layer 0', `${ua.layers[0].entries.toLocaleString('en')} / ${ub.layers[0].entries.toLocaleString('en')} entries`, `${fmt(asOf.ms)} ms`, '–', mem(asOf)],
  ];
  console.log(`server RSS before comparing: ${idleMiB.toFixed(0)} MiB`);
  console.log('| sides | size | summary, cold (each run a new pair of sides) | target | server RSS before → peak while it ran |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(`folder pages (unrelated pair, ${fsMs.length} requests): p50 ${median(fsMs).toFixed(1)} ms, p95 ${percentile(fsMs, 95).toFixed(1)} ms (target ≤ 50 ms)`);
  console.log(`flat list pages (${changesMs.length}, 500 items each): p50 ${median(changesMs).toFixed(1)} ms, p95 ${percentile(changesMs, 95).toFixed(1)} ms`);
  await mkdir(join(out, 'results'), { recursive: true });
  await writeFile(join(out, 'results', 'compare.json'), JSON.stringify({
    date: new Date().toISOString(), load: loadavg(), idleMiB, self, oneFile, unrelated: { ...unrelated, warm }, asOf, fsMs, changesMs,
  }, null, 1));
} finally {
  await server.stop();
  await rm(work, { recursive: true, force: true });
}
