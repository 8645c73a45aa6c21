import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { fixture, historyOracle, listing, mergedOf, openFixture, oracleListing, streamedNodesOf, tempStore } from './helpers.js';
import type { FsBlobStore } from '../src/index.js';

/** Every real archive in fixtures/, with the oracle of the image it holds. */
const ARCHIVES = [
  { file: 'tiny-docker-legacy.tar', image: 'tiny', format: 'docker-legacy', layers: 1, tag: 'fixtures/tiny:latest' },
  { file: 'tiny-containerd-export.tar', image: 'tiny', format: 'docker-oci', layers: 1, tag: 'fixtures/tiny:latest' },
  { file: 'multi-docker-legacy.tar', image: 'multi', format: 'docker-legacy', layers: 13, tag: 'fixtures/multi:latest' },
  { file: 'multi-skopeo-docker-archive.tar', image: 'multi', format: 'docker-legacy', layers: 13, tag: 'fixtures/multi:latest' },
  { file: 'multi-oci.tar', image: 'multi', format: 'oci', layers: 13, tag: 'fixtures/multi:latest' },
  { file: 'multi-oci-zstd.tar', image: 'multi', format: 'oci', layers: 13, tag: null },
  { file: 'multi-containerd-export.tar', image: 'multi', format: 'docker-oci', layers: 13, tag: 'fixtures/multi:latest' },
  { file: 'multi-podman-oci.tar', image: 'multi-podman', format: 'oci', layers: 14, tag: 'localhost/fixtures/multi-podman:latest' },
  { file: 'multi-podman-docker-archive.tar', image: 'multi-podman', format: 'docker-legacy', layers: 14, tag: 'localhost/fixtures/multi-podman:latest' },
] as const;

let store: FsBlobStore;
let dispose: () => Promise<void>;
beforeAll(async () => ({ store, dispose } = await tempStore()));
afterAll(() => dispose());

describe.each(ARCHIVES)('$file', ({ file, image, format, layers, tag }) => {
  it('is read as the format it is, with tags and layers', async () => {
    const a = await openFixture(file, store);
    expect(a.format).toBe(format);
    expect(a.image.layers).toHaveLength(layers);
    if (tag) expect(a.image.tags).toContain(tag);
    expect(a.image.platform).toMatchObject({ os: 'linux', architecture: 'amd64' });
    expect(a.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('merges to the filesystem the oracle lists', async () => {
    const a = await openFixture(file, store);
    // umoci's unpack of the image alone (fixtures README, "Oracles"), compared as recorded.
    expect(listing(mergedOf(a))).toEqual(await oracleListing(`${image}.oracle/merged-fs-umoci.tsv`));
  });

  it('merges to the same filesystem through the streaming merge', async () => {
    const a = await openFixture(file, store);
    expect(listing(await streamedNodesOf(a))).toEqual(await oracleListing(`${image}.oracle/merged-fs-umoci.tsv`));
  });

  it('merges to the same filesystem from entries sorted into small runs while the layers were read', async () => {
    const a = await openFixture(file, store, { sortedRuns: { chunkRecords: 64 } });
    const scans = [...a.layerScans.values()];
    expect(scans.every((s) => s.entries.length === 0 && s.runs !== undefined)).toBe(true);
    expect(scans.some((s) => s.runs!.runCount > 1)).toBe(true);
    try {
      expect(listing(await streamedNodesOf(a))).toEqual(await oracleListing(`${image}.oracle/merged-fs-umoci.tsv`));
    } finally {
      scans.forEach((s) => s.runs!.dispose());
    }
  });

  it('maps history onto layers with docker history sizes', async () => {
    const a = await openFixture(file, store);
    const oracle = await historyOracle(image);
    expect(a.image.history).toHaveLength(oracle.length);
    a.image.history.forEach((step, i) => {
      const size = step.layer === null ? 0 : a.image.layers[step.layer].contentSize;
      expect({ i, size }).toEqual({ i, size: oracle[i].size });
    });
  });

  it('gives the same result when the bytes arrive in odd-sized chunks', async () => {
    const whole = await openFixture(file, store);
    const odd = await openFixture(file, store, { chunk: 321 });
    expect(odd.archiveDigest).toBe(whole.archiveDigest);
    expect(odd.image.layers.map((l) => l.diffId)).toEqual(whole.image.layers.map((l) => l.diffId));
    expect(listing(mergedOf(odd))).toEqual(listing(mergedOf(whole)));
  });
});

describe('layer diff_ids and sizes against the oracle', () => {
  it.each(['multi-docker-legacy.tar', 'multi-oci.tar', 'multi-oci-zstd.tar'])('%s', async (file) => {
    const a = await openFixture(file, store);
    const rows = (await readFile(fixture('multi.oracle/layers.tsv'), 'utf8')).split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'));
    expect(a.image.layers.map((l) => [l.diffId, l.uncompressedSize, l.entryCount])).toEqual(rows.map((r) => [r[1], Number(r[2]), Number(r[3])]));
    const blobs = (await readFile(fixture(`${file.replace('.tar', '')}.oracle/blobs.tsv`), 'utf8')).split('\n').filter((l) => /^\d/.test(l)).map((l) => l.split('\t'));
    expect(a.image.layers.map((l) => [l.digest, l.size])).toEqual(blobs.map((r) => [r[2], Number(r[3])]));
    // skopeo labels a docker-archive's uncompressed layers `.tar.gzip` (a c/image quirk); we name what the bytes are.
    if (a.format === 'oci') expect(a.image.layers.map((l) => l.mediaType)).toEqual(blobs.map((r) => r[1]));
    else expect(new Set(a.image.layers.map((l) => l.mediaType))).toEqual(new Set(['application/vnd.docker.image.rootfs.diff.tar']));
  });
});
