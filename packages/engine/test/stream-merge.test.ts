import { describe, expect, it } from 'vitest';
import { MergedFs, SortedRuns, StreamMerge, comparePaths, postOrder, sortedRecords, type FsNode, type LayerEntry, type LayerEntryType, type MergeItem, type MergeLayerSource } from '../src/index.js';
import { random } from './helpers.js';

/**
 * The streaming merge against MergedFs (the model): random layer stacks over a tiny namespace, so
 * that paths collide across and within layers — whiteouts, opaque markers, files over folders and
 * back, children before parents, duplicates, hard links to anything (chains, missing targets).
 */

let offset = 0;
function entry(path: string, type: LayerEntryType, extra: Partial<LayerEntry> = {}): LayerEntry {
  offset += 512;
  return {
    path, type, mode: type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, uname: '', gname: '', size: 0, mtime: 0, linkTarget: null,
    devMajor: 0, devMinor: 0, xattrs: null, dataOffset: offset, headerOffset: offset - 512, digest: null, ...extra,
  };
}

function randomLayers(seed: number): LayerEntry[][] {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const names = ['a', 'b', 'c', 'a-b', 'a.b'];
  const randomPath = () => {
    const depth = 1 + Math.floor(r() * 3);
    return Array.from({ length: depth }, () => pick(names)).join('/');
  };
  const layerCount = 1 + Math.floor(r() * 5);
  const layers: LayerEntry[][] = [];
  for (let l = 0; l < layerCount; l++) {
    const entries: LayerEntry[] = [];
    const count = Math.floor(r() * 14);
    for (let i = 0; i < count; i++) {
      const path = randomPath();
      const roll = r();
      if (roll < 0.3) {
        const size = Math.floor(r() * 4) * 10;
        entries.push(entry(path, 'file', { size, digest: `sha256:${size}-${Math.floor(r() * 2)}` }));
      } else if (roll < 0.55) entries.push(entry(path, 'dir', { mode: r() < 0.2 ? 0o700 : 0o755 }));
      else if (roll < 0.65) entries.push(entry(path, 'whiteout'));
      else if (roll < 0.72) entries.push(entry(r() < 0.15 ? '' : path, 'opaque'));
      else if (roll < 0.82) entries.push(entry(path, 'hardlink', { linkTarget: randomPath() }));
      else if (roll < 0.9) entries.push(entry(path, 'symlink', { linkTarget: '../x', mode: 0o644 }));
      else entries.push(entry(path, 'char', { devMajor: 0, devMinor: Math.floor(r() * 2) }));
    }
    // Sometimes parents first (as docker writes them), sometimes as they came.
    if (r() < 0.3) entries.sort((x, y) => comparePaths(x.path, y.path));
    layers.push(entries);
  }
  return layers;
}

const contentOf = (n: FsNode) => (n.content ? { layer: n.content.layer, seq: n.content.seq, digest: n.content.entry.digest, size: n.content.entry.size } : null);
const nodeView = (n: FsNode) => ({ path: n.path, layer: n.layer, implicit: n.implicit, seq: n.seq, entry: n.entry, content: contentOf(n) });

/** What MergedFs gives, in the shape the comparison uses (folder totals as the server computes them). */
function model(layers: LayerEntry[][]) {
  const fs = new MergedFs();
  layers.forEach((l) => fs.applyLayer(l));
  const nodes = [...fs.nodes()];
  const counts = new Map<string, number>();
  const bytes = new Map<string, number>();
  for (const n of nodes) {
    const parent = n.path.includes('/') ? n.path.slice(0, n.path.lastIndexOf('/')) : '';
    counts.set(parent, (counts.get(parent) ?? 0) + 1);
    if (n.content) bytes.set(parent, (bytes.get(parent) ?? 0) + n.content.entry.size);
  }
  const dirs = [...counts.keys()].filter((d) => d !== '').sort((a, b) => b.split('/').length - a.split('/').length);
  for (const d of dirs) {
    const parent = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '';
    bytes.set(parent, (bytes.get(parent) ?? 0) + (bytes.get(d) ?? 0));
  }
  return {
    nodes: nodes.map((n) => ({ ...nodeView(n), childCount: counts.get(n.path) ?? 0, bytesBelow: n.entry.type === 'dir' ? (bytes.get(n.path) ?? 0) : null })).sort(byPath),
    changes: layers.map((_, i) => [...fs.changes(i)].sort(byPath)),
    shadowed: fs.allShadowed().map((s) => ({ ...nodeView(s), deletedBy: s.deletedBy, overwrittenBy: s.overwrittenBy })).sort(byShadow),
    problems: fs.problems,
  };
}

async function streamed(layers: LayerEntry[][], chunkRecords: number | null) {
  const runs: SortedRuns[] = [];
  const sources: MergeLayerSource[] = layers.map((entries) => {
    const linkTargets = entries.filter((e) => e.type === 'hardlink').map((e) => e.linkTarget!);
    if (chunkRecords === null) {
      const records = sortedRecords(entries);
      return { entryCount: entries.length, linkTargets, records: async function* () { yield records; } };
    }
    const r = new SortedRuns({ chunkRecords });
    entries.forEach((e) => r.add(e));
    runs.push(r.finish());
    return { entryCount: entries.length, linkTargets: r.linkTargets, records: () => r.records() };
  });
  try {
    const merge = new StreamMerge(sources);
    const items: MergeItem[] = [];
    for await (const batch of merge.items()) items.push(...batch);
    // Each node comes after everything below it (what compare's `post` order reads).
    const order = items.flatMap((i) => (i.kind === 'node' ? [i.node.path] : []));
    expect(order).toEqual([...order].sort(postOrder));
    return {
      nodes: items.flatMap((i) => (i.kind === 'node' ? [{ ...nodeView(i.node), childCount: i.childCount, bytesBelow: i.bytesBelow }] : [])).sort(byPath),
      changes: layers.map((_, l) => items.flatMap((i) => (i.kind === 'change' && i.layer === l ? [i.change] : [])).sort(byPath)),
      shadowed: items.flatMap((i) => (i.kind === 'shadowed' ? [{ ...nodeView(i.node), deletedBy: i.node.deletedBy, overwrittenBy: i.node.overwrittenBy }] : [])).sort(byShadow),
      problems: merge.problems,
      nodeCount: merge.nodeCount,
    };
  } finally {
    runs.forEach((r) => r.dispose());
  }
}

const byPath = (a: { path: string }, b: { path: string }) => comparePaths(a.path, b.path);
const byShadow = (a: object, b: object) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0);

async function expectSameAsModel(layers: LayerEntry[][], chunkRecords: number | null): Promise<void> {
  let expected: ReturnType<typeof model> | null = null;
  let expectedError: string | null = null;
  try {
    expected = model(layers);
  } catch (e) {
    expectedError = (e as { code?: string }).code ?? String(e);
  }
  if (expectedError !== null) {
    await expect(streamed(layers, chunkRecords)).rejects.toMatchObject({ code: expectedError });
    return;
  }
  const got = await streamed(layers, chunkRecords);
  expect(got.nodes).toEqual(expected!.nodes);
  expect(got.nodeCount).toBe(expected!.nodes.length);
  expect(got.changes).toEqual(expected!.changes);
  expect(got.shadowed).toEqual(expected!.shadowed);
  expect(got.problems).toEqual(expected!.problems);
}

describe('streaming merge = MergedFs', () => {
  it('comparePaths is depth-first pre-order with / before every other character', () => {
    const paths = ['ab', 'a-b', 'a/b/c', 'a', 'a/b', 'a.b', 'a/a', 'b', 'a/b-c', 'a/b/c/d'];
    expect([...paths].sort(comparePaths)).toEqual(['a', 'a/a', 'a/b', 'a/b/c', 'a/b/c/d', 'a/b-c', 'a-b', 'a.b', 'ab', 'b']);
  });

  it('the tricky cases, one by one', async () => {
    const f = (p: string, size = 5) => entry(p, 'file', { size, digest: `sha256:${p}` });
    const d = (p: string, mode = 0o755) => entry(p, 'dir', { mode });
    const cases: LayerEntry[][][] = [
      [[d('a'), f('a/secret')], [f('a/.keep'), entry('a/secret', 'whiteout')]],
      [[d('c'), f('c/old'), d('c/sub'), f('c/sub/f')], [d('c'), f('c/new'), entry('c', 'opaque')]],
      [[f('x'), d('y'), f('y/z')], [entry('', 'opaque'), f('n')]],
      [[f('x')], [f('x'), entry('x', 'whiteout')]],
      [[d('w'), f('w/f')], [entry('w', 'whiteout'), d('w'), f('w/g')]],
      [[d('p'), f('p/q'), f('f')], [f('p'), d('f'), f('f/inside')]],
      [[f('a/b/c')], [f('a'), f('a/x')], [f('a/x/y'), f('a')]],
      [[f('t'), entry('l', 'hardlink', { linkTarget: 't' })], [entry('t', 'whiteout'), entry('l2', 'hardlink', { linkTarget: 'l' })]],
      [[entry('l', 'hardlink', { linkTarget: 'missing' }), f('m'), entry('l2', 'hardlink', { linkTarget: 'm' })], [entry('l3', 'hardlink', { linkTarget: 'm' })]],
      [[d('a', 0o700), d('a', 0o755), f('a/b'), f('a/b')], [d('a', 0o700)]],
    ];
    for (const layers of cases) {
      await expectSameAsModel(layers, null);
      await expectSameAsModel(layers, 2);
    }
  });

  it('randomized layer stacks (model-based, 1,500 seeds), sorted in memory and through run files', async () => {
    for (let seed = 1; seed <= 1500; seed++) {
      const layers = randomLayers(seed);
      try {
        await expectSameAsModel(layers, seed % 10 === 0 ? 2 + (seed % 7) : null);
      } catch (e) {
        throw new Error(`seed ${seed}: ${(e as Error).message}\n${JSON.stringify(layers.map((l) => l.map((x) => [x.type, x.path, x.linkTarget])))}`);
      }
    }
  });

  it('reports a path a layer holds twice when its indexer kept no paths (sorted runs)', async () => {
    const runs = new SortedRuns({ chunkRecords: 2 });
    [entry('x', 'file'), entry('y', 'file'), entry('x', 'file'), entry('x', 'whiteout'), entry('y', 'dir')].forEach((e) => runs.add(e));
    runs.finish();
    const merge = new StreamMerge([{ entryCount: 5, linkTargets: [], records: () => runs.records(), reportDuplicates: true }]);
    for await (const batch of merge.items()) void batch;
    runs.dispose();
    expect(merge.problems.filter((p) => p.code === 'DUPLICATE_PATH').map((p) => [p.path, p.layer])).toEqual([['x', 0], ['y', 0]]);
  });

  it('a layer spilled into many runs reads back sorted, and in tar order', async () => {
    const r = random(7);
    const entries = Array.from({ length: 2000 }, (_, i) => entry(`d${Math.floor(r() * 20)}/f${i}`, 'file', { size: i }));
    const runs = new SortedRuns({ chunkRecords: 100 });
    entries.forEach((e) => runs.add(e));
    runs.finish();
    expect(runs.runCount).toBeGreaterThan(10);
    const sorted: string[] = [];
    for await (const b of runs.records()) for (const rec of b) if (rec.kind === 'entry') sorted.push(rec.path);
    expect(sorted).toEqual(entries.map((e) => e.path).sort(comparePaths));
    const tar: number[] = [];
    for await (const b of runs.entries()) for (const rec of b) tar.push(rec.entry.size);
    expect(tar).toEqual(entries.map((e) => e.size));
    runs.dispose();
  });
});
