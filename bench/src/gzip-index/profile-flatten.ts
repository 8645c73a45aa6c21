/**
 * One store mode alone, for profiling (`node --cpu-prof …`): ingests an archive into a store that
 * keeps gzip layers as blob + index (`index`) or an uncompressed copy (`copy`), then times an
 * uncompressed flatten (a one-file delete): process CPU, the layer's build or hash pass, and the
 * archive's streaming; HASH=1 prints the archive's sha256 (the same from both modes).
 * Usage: node --conditions=source --import tsx src/gzip-index/profile-flatten.ts index|copy ARCHIVE
 */
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { emptyDraft, exportImage, FsBlobStore, openImageArchive, type ExportSource } from '@peel/engine';
const mode = process.argv[2] ?? 'index';
const dir = `/tmp/fo/store-${mode}`;
const file = process.argv[3];
const reuse = process.argv.includes('--reuse');
if (!reuse) { await rm(dir, { recursive: true, force: true }); await mkdir(dir, { recursive: true }); }
const store = await new FsBlobStore(dir, { gzipIndexes: mode === 'index' }).init();
let t = performance.now();
const archive = await openImageArchive(createReadStream(file, { highWaterMark: 1 << 20 }), store);
console.log('ingest', (performance.now() - t).toFixed(0));
const layers = archive.image.layers.map((l) => archive.layerScans.get(l.blob)?.entries ?? []);
const source: ExportSource = { image: { configRaw: archive.image.configRaw, platform: archive.image.platform, tags: archive.image.tags, layers: archive.image.layers.map((l) => ({ blob: l.blob, tarBlob: l.tarBlob, diffId: l.diffId, mediaType: l.mediaType, compression: l.compression, size: l.size })) }, layers };
const victim = layers[layers.length - 1].find((e) => e.type === 'file')!.path;
for (const m of (process.env.MODES ?? 'flatten').split(',')) {
  t = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await exportImage(source, { ...emptyDraft(), ops: [{ op: 'delete', path: `/${victim}` }] }, { mode: m as 'flatten', store, compression: 'none' });
  const t1 = performance.now();
  let bytes = 0;
  const h = (await import('node:crypto')).createHash('sha256');
  await result.write({ write: async (c) => { bytes += c.length; if (process.env.HASH) h.update(c); } });
  console.log(m, 'cpu', (() => { const c = process.cpuUsage(cpu0); return ((c.user + c.system) / 1000).toFixed(0); })(), 'prepare', (t1 - t).toFixed(0), 'write', (performance.now() - t1).toFixed(0), 'bytes', bytes, process.env.HASH ? h.digest('hex') : '');
}
