import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { FsBlobStore, LayerEntry } from '../../src/index.js';
import { analyzeImage, layersFromArrays, type FindingsLayer } from '../../src/index.js';
import { openFixture, tempStore } from '../helpers.js';
import { analyzeArchive, analyzeSpec } from './helpers.js';

let store: FsBlobStore;
let dispose: () => Promise<void>;
beforeAll(async () => ({ store, dispose } = await tempStore()));
afterAll(() => dispose());

const bytes = (n: number, seed: string) => Buffer.alloc(n, seed);
const sortFolders = async () => (await readdir(tmpdir())).filter((n) => n.startsWith('peel-sort-') || n.startsWith('peel-runs-')).sort();

describe('findings traced out of core', () => {
  const multi = ['multi-docker-legacy.tar', 'multi-oci.tar', 'multi-skopeo-docker-archive.tar', 'multi-podman-oci.tar'];

  it.each(multi)('%s: the same findings when every sort spills to disk in runs of 2 rows, and nothing is left behind', async (file) => {
    const a = await openFixture(file, store);
    const before = await sortFolders();
    const inMemory = await analyzeArchive(a, store);
    const spilled = await analyzeArchive(a, store, { runRows: 2 });
    expect(inMemory.waste.items.length).toBeGreaterThan(0);
    const { scan: s1, ...one } = inMemory;
    const { scan: s2, ...two } = spilled;
    expect(two).toEqual(one);
    expect({ ...s2, millis: 0 }).toEqual({ ...s1, millis: 0 });
    expect(await sortFolders()).toEqual(before);
  });

  it('groups copies whose rows land in different runs: contents that alternate by path, a path removed twice', async () => {
    const spec = {
      layers: [
        [{ name: 'a', data: bytes(400, 'x') }, { name: 'b', data: bytes(90, 'y') }, { name: 'c', data: bytes(400, 'x') }, { name: 'd', data: bytes(90, 'y') }, { name: 'e', data: bytes(400, 'x') }, { name: 'f', data: bytes(1000, 'f') }],
        [{ name: 'f', data: bytes(300, 'g') }],
        [{ name: 'f', data: bytes(50, 'h') }],
      ],
    };
    for (const runRows of [undefined, 2, 3]) {
      const f = await analyzeSpec(spec, store, { runRows });
      expect(f.waste).toMatchObject({ shipped: 3 * 400 + 2 * 90 + 1350, unique: 400 + 90 + 50, duplicate: 2 * 400 + 90, removed: 1300 });
      expect(f.waste.items.map((i) => (i.kind === 'removed' ? [i.path, i.copies.map((c) => c.layer)] : [i.size, i.copies.map((c) => c.path)]))).toEqual([
        ['f', [0, 1]],
        [400, ['a', 'c', 'e']],
        [90, ['b', 'd']],
      ]);
    }
  });

  it('reads each layer as a stream it may ask for again, never as an array it keeps', async () => {
    const a = await openFixture('multi-docker-legacy.tar', store);
    const arrays = a.image.layers.map((l) => a.layerScans.get(l.blob)!.entries);
    let reads = 0;
    // Entries made afresh on every read, in batches of 3: nothing may rely on object identity or on one array.
    const streamed: FindingsLayer[] = arrays.map((entries) => ({
      async *entries() {
        reads++;
        for (let i = 0; i < entries.length; i += 3) yield entries.slice(i, i + 3).map((e): LayerEntry => ({ ...e }));
      },
    }));
    const input = { layerFacts: a.image.layers, history: a.image.history, config: a.image.config, store };
    const fromStreams = await analyzeImage({ ...input, layers: streamed, options: { runRows: 5 } });
    const fromArrays = await analyzeImage({ ...input, layers: layersFromArrays(arrays) });
    expect(reads).toBeGreaterThanOrEqual(arrays.length);
    expect(fromStreams.waste).toEqual(fromArrays.waste);
    expect(fromStreams.sizes).toEqual(fromArrays.sizes);
    expect(fromStreams.secrets).toEqual(fromArrays.secrets);
  });

  it('a deleted file held by two hard links lives at the first link in path order, and is waste for neither', async () => {
    const f = await analyzeSpec({
      layers: [
        [{ name: 'm-data', data: bytes(300, 'h') }, { name: 'z-link', type: 'link', linkname: 'm-data' }, { name: 'a-link', type: 'link', linkname: 'm-data' }],
        [{ name: '.wh.m-data' }],
      ],
    }, store, { runRows: 2 });
    expect(f.waste).toMatchObject({ bytes: 0, removed: 0, duplicate: 0, shipped: 300, unique: 300 });
    expect(f.sizes.final).toBe(300);
    expect(f.sizes.biggestFiles).toEqual([{ path: 'a-link', size: 300, layer: 0, type: 'file' }]);
    expect(f.sizes.layers.map((l) => [l.contribution, l.survives, l.removedLater])).toEqual([[300, 300, 0], [0, 0, 0]]);
  });

  it('bytes end with the last link to them: the layer that removes it gets them off its contribution', async () => {
    const f = await analyzeSpec({
      layers: [
        [{ name: 'd/', type: 'directory' }, { name: 'd/data', data: bytes(500, 'h') }, { name: 'd/link', type: 'link', linkname: 'd/data' }],
        [{ name: 'd/.wh.data' }],
        [{ name: 'd/.wh.link' }, { name: 'd/other', data: bytes(20, 'o') }],
      ],
    }, store, { runRows: 2 });
    expect(f.sizes.layers.map((l) => l.contribution)).toEqual([500, 0, 20 - 500]);
    expect(f.sizes.final).toBe(20);
    expect(f.waste).toMatchObject({ bytes: 500, removed: 500, unique: 20, shipped: 520 });
    // Its own path went in layer 1: that is where the copy says it was removed.
    expect(f.waste.items).toEqual([{ kind: 'removed', path: 'd/data', bytes: 500, survivor: null, copies: [{ layer: 0, size: 500, digest: expect.any(String), removedIn: 1, how: 'deleted' }] }]);
  });

  it('a removed path that is a folder now names the folder as its survivor', async () => {
    const f = await analyzeSpec({
      layers: [
        [{ name: 'x', data: bytes(40, 'x') }],
        [{ name: 'x/', type: 'directory' }, { name: 'x/inside', data: bytes(7, 'i') }, { name: 'y', data: bytes(3, 'y') }],
      ],
    }, store, { runRows: 2 });
    expect(f.waste.items).toEqual([{ kind: 'removed', path: 'x', bytes: 40, survivor: { layer: 1, size: 0 }, copies: [{ layer: 0, size: 40, digest: expect.any(String), removedIn: 1, how: 'overwritten' }] }]);
    expect(f.sizes.final).toBe(10);
  });
});
