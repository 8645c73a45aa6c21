/**
 * The engine's merge of one archive, one way, in a process of its own (so its peak memory is its
 * own): `arrays` keeps every layer's entries and merges them in memory (MergedFs, what the
 * server did), `stream` sorts each layer's entries into runs while it streams and merges the runs
 * (StreamMerge). Every item is consumed, as a writer would. Prints one JSON line.
 * Usage: node --conditions=source --import tsx src/engine/merge.ts <archive> <store dir> arrays|stream
 */
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FsBlobStore, MergedFs, StreamMerge, openImageArchive } from '@peel/engine';

const [file, storeDir, mode] = process.argv.slice(2);
if (!file || !storeDir || (mode !== 'arrays' && mode !== 'stream')) throw new Error('usage: merge <archive> <store dir> arrays|stream');
const NO_CAP = 1e9;
const store = await new FsBlobStore(storeDir).init();
const runsDir = join(storeDir, 'runs');
await mkdir(runsDir, { recursive: true });
const t0 = performance.now();
const archive = await openImageArchive(createReadStream(file, { highWaterMark: 1 << 20 }), store, {
  maxEntriesPerLayer: NO_CAP,
  maxEntriesPerArchive: NO_CAP,
  sortedRuns: mode === 'stream' ? { tempRoot: runsDir } : undefined,
});
const scanMs = performance.now() - t0;
const scans = archive.image.layers.map((l) => archive.layerScans.get(l.blob)!);
const entries = scans.reduce((n, s) => n + s.entryCount, 0);
let nodes = 0;
let changes = 0;
let shadowed = 0;
if (mode === 'arrays') {
  const fs = new MergedFs({ keepChanges: false, onShadowed: () => shadowed++ });
  for (const s of scans) changes += fs.applyLayer(s.entries).length;
  for (const n of fs.nodes()) if (n) nodes++;
} else {
  const merge = new StreamMerge(scans.map((s) => ({ entryCount: s.entryCount, linkTargets: s.runs!.linkTargets, records: () => s.runs!.records() })));
  for await (const batch of merge.items()) {
    for (const item of batch) {
      if (item.kind === 'node') nodes++;
      else if (item.kind === 'change') changes++;
      else shadowed++;
    }
  }
  for (const s of scans) s.runs!.dispose();
}
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, scanMs, mergeMs: ms - scanMs, entries, nodes, changes, shadowed })}\n`);
