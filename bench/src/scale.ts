/**
 * `pnpm --filter bench run scale`: the images of millions of entries (files-3m, files-10m; any
 * image kind works) measured side by side in one run, alternating run by run: `floor` (read,
 * gunzip, sha256), the engine's in-memory merge (`arrays`) and its streaming merge (`stream`),
 * each in a process of its own, peak RSS by GNU time; `server`: an upload to a fresh server (the
 * bundle `pnpm start` runs), peak RSS its VmHWM. Prints a markdown table and writes
 * out/results/scale.json. Options: --only=files-3m,files-10m, --runs=N, --modes=floor,arrays,stream,server,
 * --api=N: after the first server ingest of each image, the bench's API calls (bench/src/measure/api.ts)
 * on the stored image, N timed requests each. --exports: after the first server ingest of each
 * image, the one-file edit, then each export kind once, body to a file, the server's peak RSS
 * (VmHWM, reset before each) with it. --findings: after the first server ingest of each image,
 * its findings (GET …/findings, computed on that first request), time and peak RSS (VmHWM reset
 * before), with the figures they report.
 */
import { cpus, loadavg } from 'node:os';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateImage } from './gen/generate.js';
import type { ImageKind } from './gen/images.js';
import { floor, nodeProgram } from './measure/tools.js';
import { ingestOnce } from './measure/ingest.js';
import { apiCalls, measureApi, type ApiStat } from './measure/api.js';
import { downloadExport, editOneFile, type ExportKind } from './measure/export.js';
import { log } from './util/log.js';

const benchDir = resolve(import.meta.dirname, '..');
const out = join(benchDir, 'out');
const opt = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const kinds = opt('only', 'files-3m').split(',') as ImageKind[];
const modes = opt('modes', 'floor,arrays,stream,server').split(',');
const repo = resolve(benchDir, '..');
const runs = Number(opt('runs', '1'));
const apiRequests = Number(opt('api', '0'));
const api: Array<{ kind: string; stats: ApiStat[] }> = [];
const measureExports = process.argv.includes('--exports');
const exports: Array<{ kind: string; export: ExportKind; ms: number; bytes: number; rssBeforeMiB: number; peakMiB: number }> = [];
const measureFindings = process.argv.includes('--findings');
const findings: Array<{ kind: string; ms: number; rssBeforeMiB: number; peakMiB: number; wasteBytes: number; wasteItems: number; finalBytes: number }> = [];

interface Row { kind: string; mode: string; run: number; ms: number; scanMs: number; mergeMs: number; peakMiB: number; entries: number; nodes: number; changes: number; shadowed: number; load: number }
const rows: Row[] = [];
for (const kind of kinds) {
  const img = await generateImage(out, kind, 1);
  for (let run = 0; run < runs; run++) {
    for (const mode of modes) {
      const store = join(out, 'scale-store');
      await rm(store, { recursive: true, force: true });
      await mkdir(store, { recursive: true });
      const load = loadavg()[0];
      try {
        let r: { ms: number; peakMiB: number; out: Record<string, number> };
        if (mode === 'floor') r = { ...(await floor(benchDir, img.legacy)), out: {} };
        else if (mode === 'server') {
          const done = await ingestOnce({ repo, work: store, webDist: join(store, 'no-web') }, img.legacy, kind);
          r = { ms: done.run.ms, peakMiB: done.run.peakMiB, out: { entries: img.entries } };
          try {
            if (apiRequests > 0 && run === 0) {
              const stats = await measureApi(done.server.address, apiCalls(done.imageId, img.facts, img.layers.map((l) => l.entries)), apiRequests);
              api.push({ kind, stats });
              for (const a of stats) log(`${kind} API ${a.name}: p50 ${a.p50.toFixed(1)} ms, p95 ${a.p95.toFixed(1)} ms, ${a.items} items`);
            }
            if (measureFindings && run === 0) {
              const { server } = done;
              await writeFile(`/proc/${server.pid}/clear_refs`, '5');
              const rssBeforeMiB = server.rssMiB();
              const started = performance.now();
              const res = await fetch(new URL(`/api/images/${done.imageId}/findings`, server.address));
              if (!res.ok) throw new Error(`findings: ${res.status} ${await res.text()}`);
              const f = (await res.json()) as { waste: { bytes: number; itemCount: number }; sizes: { final: number } };
              const ms = performance.now() - started;
              findings.push({ kind, ms, rssBeforeMiB, peakMiB: server.peakMiB(), wasteBytes: f.waste.bytes, wasteItems: f.waste.itemCount, finalBytes: f.sizes.final });
              log(`${kind} findings: ${(ms / 1000).toFixed(1)} s, RSS ${rssBeforeMiB.toFixed(0)} → peak ${server.peakMiB().toFixed(0)} MiB`);
            }
            if (measureExports && run === 0) {
              const { server } = done;
              await editOneFile(server.address, done.imageId, img.facts.editPath);
              for (const e of ['rewrite', 'flatten-none', 'flatten', 'append'] as ExportKind[]) {
                // VmHWM from here on: what this export took, not the ingest before it.
                await writeFile(`/proc/${server.pid}/clear_refs`, '5');
                const rssBeforeMiB = server.rssMiB();
                const dest = join(store, `export-${e}.tar`);
                const got = await downloadExport(server.address, done.imageId, e, dest);
                await rm(dest, { force: true });
                exports.push({ kind, export: e, ms: got.ms, bytes: got.bytes, rssBeforeMiB, peakMiB: server.peakMiB() });
                log(`${kind} export ${e}: ${(got.ms / 1000).toFixed(1)} s, ${got.bytes} B, RSS ${rssBeforeMiB.toFixed(0)} → peak ${server.peakMiB().toFixed(0)} MiB`);
              }
            }
          } finally {
            await done.dispose();
          }
        } else r = await nodeProgram(benchDir, 'engine/merge.ts', [img.legacy, store, mode]);
        const o = { scanMs: NaN, mergeMs: NaN, entries: img.entries, nodes: NaN, changes: NaN, shadowed: NaN, ...r.out };
        rows.push({ kind, mode, run, ms: r.ms, scanMs: o.scanMs, mergeMs: o.mergeMs, peakMiB: r.peakMiB, entries: o.entries, nodes: o.nodes, changes: o.changes, shadowed: o.shadowed, load });
        log(`${kind} ${mode}: ${(r.ms / 1000).toFixed(1)} s (scan ${(o.scanMs / 1000).toFixed(1)} s, merge ${(o.mergeMs / 1000).toFixed(1)} s), peak ${r.peakMiB.toFixed(0)} MiB, ${o.entries} entries, ${o.nodes} nodes; load ${load.toFixed(1)}`);
      } catch (e) {
        log(`${kind} ${mode}: failed: ${(e as Error).message.slice(0, 400)}`);
        rows.push({ kind, mode, run, ms: NaN, scanMs: NaN, mergeMs: NaN, peakMiB: NaN, entries: img.entries, nodes: NaN, changes: NaN, shadowed: NaN, load });
      } finally {
        await rm(store, { recursive: true, force: true });
      }
    }
  }
}
await mkdir(join(out, 'results'), { recursive: true });
await writeFile(join(out, 'results', 'scale.json'), JSON.stringify({ date: new Date().toISOString(), cpus: cpus().length, rows, api, exports, findings }, null, 1));
const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '—');
console.log('| image | merge | entries | total s | scan s | merge s | entries/s | peak RSS MiB | nodes | changes | shadowed | load |');
console.log('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
for (const r of rows) {
  console.log(`| ${r.kind} | ${r.mode} | ${r.entries.toLocaleString('en')} | ${fmt(r.ms / 1000)} | ${fmt(r.scanMs / 1000)} | ${fmt(r.mergeMs / 1000)} | ${Number.isFinite(r.ms) ? Math.round(r.entries / (r.ms / 1000)).toLocaleString('en') : '—'} | ${fmt(r.peakMiB, 0)} | ${Number.isFinite(r.nodes) ? r.nodes.toLocaleString('en') : '—'} | ${Number.isFinite(r.changes) ? r.changes.toLocaleString('en') : '—'} | ${Number.isFinite(r.shadowed) ? r.shadowed.toLocaleString('en') : '—'} | ${r.load.toFixed(1)} |`);
}
for (const { kind, stats } of api) {
  console.log(`\n${kind}, API (${apiRequests} requests each, after the ingest):\n`);
  console.log('| call | p50 ms | p95 ms | items |');
  console.log('|---|--:|--:|--:|');
  for (const a of stats) console.log(`| ${a.name}${a.extra ? ' (context)' : ''} | ${a.p50.toFixed(1)} | ${a.p95.toFixed(1)} | ${a.items.toLocaleString('en')} |`);
}
if (exports.length) {
  console.log('\nExports (one-file edit; peak RSS: VmHWM reset before each):\n');
  console.log('| image | export | s | bytes | RSS before MiB | peak RSS MiB |');
  console.log('|---|---|--:|--:|--:|--:|');
  for (const e of exports) console.log(`| ${e.kind} | ${e.export} | ${(e.ms / 1000).toFixed(1)} | ${e.bytes.toLocaleString('en')} | ${e.rssBeforeMiB.toFixed(0)} | ${e.peakMiB.toFixed(0)} |`);
}
if (findings.length) {
  console.log('\nFindings (computed on the first request; peak RSS: VmHWM reset before):\n');
  console.log('| image | s | RSS before MiB | peak RSS MiB | waste bytes | waste items | final bytes |');
  console.log('|---|--:|--:|--:|--:|--:|--:|');
  for (const f of findings) console.log(`| ${f.kind} | ${(f.ms / 1000).toFixed(1)} | ${f.rssBeforeMiB.toFixed(0)} | ${f.peakMiB.toFixed(0)} | ${f.wasteBytes.toLocaleString('en')} | ${f.wasteItems.toLocaleString('en')} | ${f.finalBytes.toLocaleString('en')} |`);
}
