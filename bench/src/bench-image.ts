import { mkdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { GeneratedImage } from './gen/generate.js';
import { apiCalls, measureApi } from './measure/api.js';
import { measureDraftMove } from './measure/draft-move.js';
import { clickDirToPainted, dropToInteractive, newPage, scrollDirToEnd, withBrowser } from './measure/browser.js';
import { copyBaseline, editOneFile, flattenVsPigz, httpBaseline, measureExports, tarBaseline, type PigzStat } from './measure/export.js';
import { ingestOnce, type ServerContext } from './measure/ingest.js';
import { startServer } from './measure/server.js';
import { engineOnly, floor, skopeoCopy, tarExtract, umociUnpack, type Layout, type ToolRun } from './measure/tools.js';
import type { FsPage } from '@peel/api';
import type { ImageResult, IngestTool, LayoutResult, Series } from './results.js';
import { log } from './util/log.js';
import { median } from './util/stats.js';

export interface BenchOptions {
  repo: string;
  benchDir: string;
  work: string;
  webDist: string | null;
  runs: number;
  apiRequests: number;
  exportRuns: number;
  browserRuns: number;
  quick: boolean;
  profileDir: string | null;
  layouts: Layout[];
  /** umoci and tar -xf in the first run of each layout only. */
  slowOnce: boolean;
}

/** Every measurement of one generated image; the work folder is emptied afterwards. */
export async function benchImage(img: GeneratedImage, o: BenchOptions): Promise<ImageResult> {
  const work = join(o.work, img.kind);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const load: number[] = [loadavg()[0]];
  const ctx: ServerContext = { repo: o.repo, work, webDist: join(work, 'no-ui') };
  const { legacy: legacyFile, oci: ociFile, ...image } = img;
  const result: ImageResult = {
    kind: img.kind, at: new Date().toISOString(), quick: o.quick, runs: o.runs, load, image,
    layouts: [], api: null, exports: null, exportVia: 'GET /api/images/:id/export after PUT …/draft/content', cp: null, gnuTar: null, browser: null,
  };
  try {
    for (const layout of o.layouts) {
      const file = layout === 'legacy' ? legacyFile : ociFile;
      const lr: LayoutResult = { layout, archiveBytes: img.archiveBytes[layout], ingest: {}, serverIdleMiB: [] };
      result.layouts.push(lr);
      const add = (tool: IngestTool, r: ToolRun) => {
        const s: Series = (lr.ingest[tool] ??= { ms: [], peakMiB: [] });
        s.ms.push(r.ms);
        s.peakMiB.push(r.peakMiB);
      };
      // Runs interleave the tools, so that a busy spell of the machine hits all of them alike.
      for (let i = 0; i < o.runs; i++) {
        load.push(loadavg()[0]);
        const last = layout === o.layouts[0] && i === o.runs - 1;
        add('floor', await floor(o.benchDir, file));
        add('engine', await engineOnly(o.benchDir, file, work));
        const peel = await ingestOnce(ctx, file, `${layout}-${i}`, last && o.profileDir ? o.profileDir : undefined);
        add('peel', peel.run);
        lr.serverIdleMiB.push(peel.run.startMiB);
        log(`${img.kind} ${layout} run ${i + 1}/${o.runs}: peel ${sec(peel.run.ms)}, floor ${sec(lr.ingest.floor!.ms.at(-1)!)}, engine ${sec(lr.ingest.engine!.ms.at(-1)!)}; peak ${peel.run.peakMiB.toFixed(0)} MiB; load ${peel.run.load.toFixed(1)}`);
        try {
          if (last) await afterIngest(img, o, work, peel.server.address, peel.imageId, legacyFile, result);
        } finally {
          await peel.dispose();
        }
        const oci = join(work, 'skopeo-oci');
        add('skopeo', await skopeoCopy(file, layout, oci));
        const slow = !o.slowOnce || i === 0;
        // The merged rootfs umoci unpacks is also GNU tar's input for the flatten baseline.
        const baseline = o.slowOnce ? layout === o.layouts[0] && i === 0 : last;
        if (!slow) {
          await rm(oci, { recursive: true, force: true });
          log(`${img.kind} ${layout} run ${i + 1}/${o.runs}: skopeo ${sec(lr.ingest.skopeo!.ms.at(-1)!)}`);
          continue;
        }
        const bundle = join(work, 'umoci-bundle');
        add('umoci', await umociUnpack(oci, bundle));
        await rm(oci, { recursive: true, force: true });
        if (baseline) {
          const t = await tarBaseline(join(bundle, 'rootfs'), work, o.exportRuns);
          result.gnuTar = t;
          log(`${img.kind}: GNU tar of the merged rootfs ${sec(median(t.plain))}, with gzip ${sec(median(t.gzip))}`);
        }
        await rm(bundle, { recursive: true, force: true });
        add('tar', await tarExtract(file, layout, join(work, 'tar-x')));
        await rm(join(work, 'tar-x'), { recursive: true, force: true });
        log(`${img.kind} ${layout} run ${i + 1}/${o.runs}: skopeo ${sec(lr.ingest.skopeo!.ms.at(-1)!)}, umoci ${sec(lr.ingest.umoci!.ms.at(-1)!)}, tar ${sec(lr.ingest.tar!.ms.at(-1)!)}`);
      }
    }
    if (o.webDist && o.browserRuns > 0) result.browser = await browserRuns(img, o, work, legacyFile);
    load.push(loadavg()[0]);
    return result;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** API latency and exports, on the server that holds the image. */
async function afterIngest(img: GeneratedImage, o: BenchOptions, work: string, address: string, id: string, file: string, result: ImageResult): Promise<void> {
  result.api = await measureApi(address, apiCalls(id, img.facts, img.layers.map((l) => l.entries)), o.apiRequests);
  for (const a of result.api) log(`${img.kind} API ${a.name}: p50 ${a.p50.toFixed(1)} ms, p95 ${a.p95.toFixed(1)} ms (${a.items} items, ${a.bytes} B)`);
  const move = (result.draftMove = await measureDraftMove(address, id, img.facts.wideDir, o.apiRequests));
  log(`${img.kind} draft moving ${move.from}: rename ${move.renameMs.toFixed(0)} ms, ${move.reads.map((a) => `${a.name} p95 ${a.p95.toFixed(1)} ms`).join(', ')}`);
  await editOneFile(address, id, img.facts.editPath);
  result.exports = await measureExports(address, id, work, o.exportRuns, img.layers.length);
  result.cp = await copyBaseline(file, work, o.exportRuns);
  result.httpFloor = await httpBaseline(file, work, o.exportRuns);
  log(`${img.kind} export: ${result.exports.map((e) => `${e.kind} ${sec(median(e.ms))}`).join(', ')}; cp ${sec(median(result.cp))}, bare HTTP download ${sec(median(result.httpFloor))}`);
  result.pigz = await flattenVsPigz(address, id, file, 'legacy', work, o.exportRuns);
  logPigz(img.kind, result.pigz);
}

/**
 * `--flatten-vs-pigz`: only the flatten-with-gzip export against `tar -I pigz -cf`, interleaved,
 * on a server that ingested the image once (a few minutes where the whole bench takes an hour).
 */
export async function benchFlattenVsPigz(img: GeneratedImage, o: BenchOptions): Promise<PigzStat> {
  const work = join(o.work, img.kind);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const peel = await ingestOnce({ repo: o.repo, work, webDist: join(work, 'no-ui') }, img.legacy, 'pigz');
  try {
    await editOneFile(peel.server.address, peel.imageId, img.facts.editPath);
    const st = await flattenVsPigz(peel.server.address, peel.imageId, img.legacy, 'legacy', work, o.exportRuns);
    logPigz(img.kind, st);
    return st;
  } finally {
    await peel.dispose();
    await rm(work, { recursive: true, force: true });
  }
}

function logPigz(kind: string, st: PigzStat): void {
  const pairs = st.flattenMs.map((f, i) => `${sec(f)} vs ${sec(st.pigzMs[i])} (${(f / st.pigzMs[i]).toFixed(2)}×, load ${st.load[i].toFixed(1)})`);
  log(`${kind} flatten with gzip vs tar -I pigz -cf: ${pairs.join('; ')}; median ratio ${(median(st.flattenMs) / median(st.pigzMs)).toFixed(2)}×; ${st.flattenBytes} B vs ${st.pigzBytes} B`);
}

/** Drop-to-interactive on a fresh server each time, then the wide directory's click-to-painted. */
async function browserRuns(img: GeneratedImage, o: BenchOptions, work: string, file: string): Promise<ImageResult['browser']> {
  const out = { dropToInteractiveMs: [] as number[], wideDirPaintedMs: [] as number[], wideDirEndMs: [] as number[], wideDirEntries: img.facts.wideDirEntries };
  await withBrowser(async (browser) => {
    for (let i = 0; i < o.browserRuns; i++) {
      const dataDir = join(work, `data-browser-${i}`);
      await mkdir(dataDir, { recursive: true });
      const server = await startServer({ repo: o.repo, dataDir, webDist: o.webDist! });
      try {
        const page = await newPage(browser);
        const drop = await dropToInteractive(page, server.address, file, img.layers.length);
        out.dropToInteractiveMs.push(drop.ms);
        const last = await lastEntryName(server.address, drop.imageId, img.facts.wideDir);
        for (let k = 0; k < 3; k++) {
          out.wideDirPaintedMs.push(await clickDirToPainted(page, server.address, drop.imageId, img.facts.wideDir));
          out.wideDirEndMs.push(await scrollDirToEnd(page, last));
        }
        log(`${img.kind} browser ${i + 1}/${o.browserRuns}: drop → interactive ${sec(drop.ms)}; ${img.facts.wideDir} painted in ${out.wideDirPaintedMs.slice(-3).map((x) => x.toFixed(0)).join(', ')} ms, its last row after scrolling to the end in ${out.wideDirEndMs.slice(-3).map((x) => x.toFixed(0)).join(', ')} ms`);
        await page.close();
      } finally {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      }
    }
  });
  return out;
}

/** The name of the last entry of a folder in the file tree's order (every page, through the API). */
async function lastEntryName(address: string, id: string, dir: string): Promise<string> {
  let cursor: string | null = null;
  let last = '';
  do {
    const url = new URL(`/api/images/${id}/fs`, address);
    url.searchParams.set('path', `/${dir}`);
    url.searchParams.set('paged', '1');
    url.searchParams.set('limit', '5000');
    if (cursor) url.searchParams.set('cursor', cursor);
    const page = (await (await fetch(url)).json()) as FsPage;
    last = page.items.at(-1)?.name ?? last;
    cursor = page.next;
  } while (cursor);
  return last;
}

const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
