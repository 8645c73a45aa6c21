/**
 * What finding packages costs on an image with 3,000 dpkg packages and 100,000 files: a legacy
 * `docker save` archive is generated (layer 0: the packages, their .list files and 90,000 owned
 * files; layer 1: 10,000 files of an app; layer 2: 100 packages upgraded, 50 removed), opened with
 * the engine, and findPackages runs over archivePackageImage. Prints wall and CPU times (the
 * CPU time is the steadier figure on a busy machine) and peak RSS. Then once through the app
 * (SQLite store, in this process): the upload, the time from its answer until the inventory the
 * ingest started in the background is ready (asked with wait=0 every 20 ms), the longest event-loop
 * stall meanwhile (what another request would wait; its p99, and the CPU time spent in the longest),
 * and the view's first page after that.
 *
 *   cd bench && tsx --conditions=source src/packages/main.ts [runs]
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ImageSummary, PackagesPage } from '@peel/api';
import { FsBlobStore, archivePackageImage, findPackages, mergeLayers, openImageArchive } from '@peel/engine';
import { buildApp } from '../../../apps/server/src/app.js';
import { writePackagesArchive } from './image.js';

const runs = Number(process.argv[2] ?? 3);

const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

const dir = await mkdtemp(join(tmpdir(), 'peel-packages-bench-'));
try {
  const archive = join(dir, 'image.tar');
  await writePackagesArchive(archive);
  await writeFile(join(dir, 'done'), '');
  for (let r = 0; r < runs; r++) {
    const store = await new FsBlobStore(join(dir, `store-${r}`)).init();
    let t = performance.now();
    let cpu = process.cpuUsage();
    const opened = await openImageArchive(createReadStream(archive), store);
    const layerEntries = opened.image.layers.map((l) => opened.layerScans.get(l.blob)!.entries);
    const fs = mergeLayers(layerEntries);
    const openMs = performance.now() - t;
    const openCpu = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    const rssOpen = process.resourceUsage().maxRSS;
    t = performance.now();
    const layerMs: number[] = [];
    let last = t;
    const image = archivePackageImage({ layers: layerEntries, tarBlobs: opened.image.layers.map((l) => l.tarBlob), store, fs });
    const inv = await findPackages(image, {
      onLayer: () => {
        layerMs.push(Math.round(performance.now() - last));
        last = performance.now();
      },
    });
    const findMs = performance.now() - t;
    const findCpu = process.cpuUsage(cpu);
    const cpuMs = (u: NodeJS.CpuUsage) => Math.round((u.user + u.system) / 1000);
    await image.close();
    const files = layerEntries.reduce((n, l) => n + l.length, 0);
    console.log(JSON.stringify({
      run: r, entries: files, packages: inv.packages.length, removed: inv.packages.filter((p) => p.removedIn !== null).length,
      upgraded: inv.layers[2].upgraded, unowned: inv.unowned.files, openAndMergeMs: Math.round(openMs), openAndMergeCpuMs: cpuMs(openCpu), findPackagesMs: Math.round(findMs), findPackagesCpuMs: cpuMs(findCpu), layerMs, sizingMs: Math.round(performance.now() - last - (performance.now() - t - findMs)),
      peakRssAfterOpen: mib(rssOpen), peakRssAfterFind: mib(process.resourceUsage().maxRSS), warnings: inv.warnings.length,
    }));
    await rm(join(dir, `store-${r}`), { recursive: true, force: true });
  }
  console.log(JSON.stringify(await throughTheServer(archive, join(dir, 'server'))));
} finally {
  await rm(dir, { recursive: true, force: true });
}

/** Upload, background computation until ready, and the view's first page, through the app. */
async function throughTheServer(archive: string, dataDir: string) {
  const app = await buildApp({ dataDir });
  try {
    let t = performance.now();
    const up = await app.inject({ method: 'POST', url: '/api/images?name=bench.tar', headers: { 'content-type': 'application/x-tar' }, payload: createReadStream(archive) });
    const uploadMs = performance.now() - t;
    if (up.statusCode !== 201) throw new Error(`upload: ${up.statusCode} ${up.body.slice(0, 300)}`);
    const id = (up.json() as ImageSummary).id;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const stalls = stallCpu();
    t = performance.now();
    let polls = 0;
    const seenLayers = new Set<number>();
    for (;;) {
      polls++;
      const res = await app.inject(`/api/images/${id}/packages?paged=1&limit=1&wait=0`);
      if (res.statusCode === 200) break;
      if (res.statusCode !== 202) throw new Error(`wait=0: ${res.statusCode} ${res.body.slice(0, 300)}`);
      seenLayers.add((res.json() as { layer: number }).layer);
      await sleep(20);
    }
    const readyAfterUploadMs = performance.now() - t;
    delay.disable();
    const longestStallCpuMs = stalls.stop();
    t = performance.now();
    const first = await app.inject(`/api/images/${id}/packages?paged=1&limit=500`);
    const firstPageMs = performance.now() - t;
    const page = first.json() as PackagesPage;
    return {
      server: 'sqlite', uploadMs: Math.round(uploadMs), readyAfterUploadMs: Math.round(readyAfterUploadMs), readyShareOfUpload: +(readyAfterUploadMs / uploadMs).toFixed(3),
      polls, progressLayersSeen: [...seenLayers].sort((a, b) => a - b), maxStallMs: Math.round(delay.max / 1e6), p99StallMs: Math.round(delay.percentile(99) / 1e6), longestStallCpuMs, firstPageMs: +firstPageMs.toFixed(1), packages: page.total,
    };
  } finally {
    await app.close();
  }
}

/**
 * The CPU time the process spent during its longest stall (a gap between two ticks of a 5 ms
 * timer): on a loaded machine a stall's wall time is mostly other processes' turns, its CPU time
 * is the work that held the event loop (the main thread's, and GC helpers').
 */
function stallCpu(): { stop(): number } {
  let last = performance.now();
  let cpu = process.cpuUsage();
  let longest = { wall: 0, cpu: 0 };
  const timer = setInterval(() => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    if (now - last > longest.wall) longest = { wall: now - last, cpu: (used.user + used.system) / 1000 };
    last = now;
    cpu = process.cpuUsage();
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.round(longest.cpu);
    },
  };
}
