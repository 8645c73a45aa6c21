/**
 * Gzip layers stored as blob + index against blob + uncompressed copy, side by side in one run
 * (interleaved run by run, order swapped each run): engine ingest time, stored bytes ÷ archive,
 * file reads (p50/p95), flatten and rewrite exports; then the same per layer size, to find a
 * size below which the copy would pay. Writes out/gzip-index.json and prints a Markdown table.
 * Usage: node --conditions=source --import tsx src/gzip-index/main.ts [--runs N] [--no-exports] [image…]
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { emptyDraft, exportImage, FsBlobStore, openEntryContent, openImageArchive, type ExportSource, type LayerEntry } from '@peel/engine';
import { generateImage } from '../gen/generate.js';
import type { ImageKind } from '../gen/images.js';
import { Rng } from '../gen/prng.js';
import { log } from '../util/log.js';

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(benchDir, 'out');
const argv = process.argv.slice(2);
const runsAt = argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(argv.splice(runsAt, 2)[1]) : 2;
const noExports = argv.includes('--no-exports');
if (noExports) argv.splice(argv.indexOf('--no-exports'), 1);
const kinds = (argv.length > 0 ? argv : ['large', 'compressible']) as ImageKind[];
const MODES = ['index', 'copy'] as const;
type Mode = (typeof MODES)[number];
const READS = 300;

interface Figures {
  ingestMs: number[];
  storedBytes: number;
  readMs: number[];
  flattenMs: number[];
  rewriteMs: number[];
}

async function du(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  }
  return total;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))];
const median = (xs: number[]) => pct(xs, 0.5);

async function oneRun(file: string, mode: Mode, fig: Figures, withExports: boolean): Promise<void> {
  const dir = join(out, 'work', `gzi-${mode}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const store = await new FsBlobStore(dir, { gzipIndexes: mode === 'index' }).init();
  execFileSync('sync');
  const t0 = performance.now();
  const archive = await openImageArchive(createReadStream(file, { highWaterMark: 1 << 20 }), store);
  fig.ingestMs.push(performance.now() - t0);
  fig.storedBytes = await du(dir);
  const layers = archive.image.layers.map((l) => archive.layerScans.get(l.blob)?.entries ?? []);

  // Reads: the first MiB of files picked at random over every layer (what a preview asks for).
  const rng = new Rng(7);
  const files: Array<{ tarBlob: string; entry: LayerEntry }> = [];
  archive.image.layers.forEach((l, i) => {
    for (const e of layers[i]) if (e.type === 'file' && e.size > 0) files.push({ tarBlob: l.tarBlob, entry: e });
  });
  for (let i = 0; i < READS; i++) {
    const f = files[rng.int(0, files.length - 1)];
    const t = performance.now();
    const hash = createHash('sha256');
    for await (const c of openEntryContent(store, f.tarBlob, f.entry, { start: 0, end: Math.min(f.entry.size, 1 << 20) })) hash.update(c as Buffer);
    fig.readMs.push(performance.now() - t);
    // A whole file must hash to the digest the ingest recorded.
    if (f.entry.size <= 1 << 20 && f.entry.digest && `sha256:${hash.digest('hex')}` !== f.entry.digest) throw new Error(`${mode}: ${f.entry.path} reads back wrong`);
  }

  if (withExports) {
    const source: ExportSource = {
      image: { configRaw: archive.image.configRaw, platform: archive.image.platform, tags: archive.image.tags, layers: archive.image.layers.map((l) => ({ blob: l.blob, tarBlob: l.tarBlob, diffId: l.diffId, mediaType: l.mediaType, compression: l.compression, size: l.size })) },
      layers,
    };
    for (const [mode, list] of [['flatten', fig.flattenMs], ['rewrite', fig.rewriteMs]] as const) {
      // A draft that deletes one file, so rewrite rewrites every layer that holds it.
      const victim = files[files.length - 1].entry.path;
      const t = performance.now();
      const result = await exportImage(source, { ...emptyDraft(), ops: [{ op: 'delete', path: `/${victim}` }] }, { mode, store, compression: 'none' });
      let bytes = 0;
      await result.write({ write: async (c) => void (bytes += c.length) });
      list.push(performance.now() - t);
      if (bytes !== result.size) throw new Error(`${mode}: wrote ${bytes} bytes of ${result.size}`);
    }
  }
  await rm(dir, { recursive: true, force: true });
}

const report: Record<string, Record<Mode, Figures> & { archiveBytes: number; uncompressedBytes: number }> = {};
for (const kind of kinds) {
  const img = await generateImage(out, kind, 1);
  const fig = Object.fromEntries(MODES.map((m) => [m, { ingestMs: [], storedBytes: 0, readMs: [], flattenMs: [], rewriteMs: [] }])) as unknown as Record<Mode, Figures>;
  for (let r = 0; r < runs; r++) {
    for (const mode of r % 2 === 0 ? MODES : [...MODES].reverse()) {
      log(`${kind}: run ${r + 1}, ${mode}`);
      await oneRun(img.legacy, mode, fig[mode], r === 0 && !noExports);
    }
  }
  report[kind] = { ...fig, archiveBytes: img.archiveBytes.legacy, uncompressedBytes: img.uncompressedBytes };
}

await writeFile(join(out, 'gzip-index.json'), JSON.stringify(report, null, 1));
const MiB = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const lines = ['| image | store | ingest (median) | stored ÷ archive | read p50 / p95 | flatten (uncompressed) | rewrite (uncompressed) |', '|---|---|---:|---:|---:|---:|---:|'];
for (const [kind, r] of Object.entries(report)) {
  for (const mode of MODES) {
    const f = r[mode];
    lines.push(`| ${kind} (${MiB(r.archiveBytes)} archive, ${MiB(r.uncompressedBytes)} uncompressed) | ${mode === 'index' ? 'blob + index' : 'blob + uncompressed copy'} | ${s(median(f.ingestMs))} (${f.ingestMs.map(s).join(', ')}) | ${(f.storedBytes / r.archiveBytes).toFixed(2)}× (${MiB(f.storedBytes)}) | ${median(f.readMs).toFixed(1)} / ${pct(f.readMs, 0.95).toFixed(1)} ms | ${f.flattenMs.length ? s(f.flattenMs[0]) : '–'} | ${f.rewriteMs.length ? s(f.rewriteMs[0]) : '–'} |`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
