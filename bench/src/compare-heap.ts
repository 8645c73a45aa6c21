/**
 * `cd apps/server && node --expose-gc --import tsx ../../bench/src/compare-heap.ts A.tar B.tar` (from there so that
 * its dependencies resolve): the server's live heap after full GCs while comparisons of two
 * unrelated images (whole, then as of layer 0) go through its compare cache, in process. Live
 * means the JS heap plus the ArrayBuffers' backing stores (typed arrays keep their bytes there).
 */
import { createReadStream, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../apps/server/src/app.js';

const [fa, fb] = process.argv.slice(2);
const dir = await mkdtemp(join(tmpdir(), 'cmpmem-heap-'));
const app = await buildApp({ dataDir: dir });
const up = async (f: string) => {
  const r = await app.inject({ method: 'POST', url: `/api/images?name=${f.split('/').pop()}`, headers: { 'content-type': 'application/x-tar', 'content-length': String(statSync(f).size) }, payload: createReadStream(f) });
  return (r.json() as { id: string }).id;
};
const gc = () => { for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc!(); };
const mib = (n: number) => (n / 2 ** 20).toFixed(1);
try {
  const a = await up(fa);
  const b = await up(fb);
  gc();
  const live = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = live();
  console.log(`baseline heap + array buffers ${mib(base)} MiB, rss ${mib(process.memoryUsage().rss)} MiB`);
  const step = async (label: string, url: string) => {
    const t0 = performance.now();
    const r = await app.inject(url);
    if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    const ms = performance.now() - t0;
    gc();
    console.log(`${label}: ${ms.toFixed(0)} ms; live heap + array buffers +${mib(live() - base)} MiB, rss ${mib(process.memoryUsage().rss)} MiB`);
  };
  await step('unrelated a vs b', `/api/compare?a=${a}&b=${b}`);
  await step('  + a folder page', `/api/compare/fs?a=${a}&b=${b}&paged=1&path=/data&sort=delta`);
  await step('  + flat page', `/api/compare/changes?a=${a}&b=${b}&paged=1`);
  await step('unrelated b vs a', `/api/compare?a=${b}&b=${a}`);
  await step('unrelated a vs b mtime', `/api/compare?a=${a}&b=${b}&mtime=1`);
  await step('unrelated b vs a mtime', `/api/compare?a=${b}&b=${a}&mtime=1`);
  await step('as of 0: a vs b', `/api/compare?a=${a}&aLayer=0&b=${b}&bLayer=0`);
  await step('as of 0: b vs a', `/api/compare?a=${b}&aLayer=0&b=${a}&bLayer=0`);
  await step('as of 0: a vs b mtime', `/api/compare?a=${a}&aLayer=0&b=${b}&bLayer=0&mtime=1`);
} finally {
  await app.close();
  await rm(dir, { recursive: true, force: true });
}
