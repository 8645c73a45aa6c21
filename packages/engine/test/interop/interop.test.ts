/**
 * Interop: an image built at test time by a real Docker engine (overlay2, classic builder),
 * saved and converted by real tools, opened by the engine and compared with what Docker,
 * skopeo and umoci say about it. See recipe.ts for the cases and docker-view.ts for what of
 * Docker's export is Docker's own and not the image's.
 */
import { stat } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openEntryContent, resolvePath } from '../../src/index.js';
import { compareListings } from './compare-listings.js';
import { readDockerOracle, type DockerOracle } from './docker-view.js';
import { engineListing, openWithEngine, type EngineImage } from './engine-view.js';
import { streamedNodesOf } from '../helpers.js';
import { run } from './exec.js';
import { buildInteropImage, removeInteropImage, type InteropImage } from './image-fixture.js';
import { compareLayerEntries } from './layer-listing.js';
import { cases, contentProbes } from './recipe.js';
import { readUmociView } from './umoci-view.js';

let image: InteropImage;
let oracle: DockerOracle;
const dockerCat = new Map<string, Promise<Buffer>>();

beforeAll(async () => {
  image = await buildInteropImage(inject('dockerHost'));
  // The docker run probes start now, in parallel with reading the oracle.
  [oracle] = await Promise.all([readDockerOracle(image), ...contentProbes.map(catInDocker)]);
});

afterAll(async () => {
  if (image) await removeInteropImage(image);
});

/** `docker run --rm --network none IMAGE cat /path`, once per path and run. */
function catInDocker(path: string): Promise<Buffer> {
  let out = dockerCat.get(path);
  if (!out) dockerCat.set(path, (out = image.docker.run(['run', '--rm', '--network', 'none', image.tag, 'cat', `/${path}`])));
  return out;
}

describe('the Docker-built image and its oracles', () => {
  it('exercises every case of the recipe', () => {
    const paths = oracle.listing;
    expect(cases.present.filter((p) => !paths.has(p))).toEqual([]);
    expect(cases.absent.filter((p) => paths.has(p))).toEqual([]);
    expect(oracle.layers.length).toBeGreaterThanOrEqual(20);
    const names = oracle.layers.flat().map((r) => r.path.split('/').pop()!);
    expect(names).toContain('.wh..wh..opq');
    expect(names.filter((n) => n.startsWith('.wh.') && n !== '.wh..wh..opq').length).toBeGreaterThanOrEqual(3);
    expect(oracle.layers.flat().filter((r) => r.type === 'h').length).toBeGreaterThanOrEqual(3);
    expect(oracle.exportRecords.some((r) => r.type === 'h')).toBe(true);
    expect(image.history.filter((s) => s.size === 0).length).toBeGreaterThanOrEqual(5);
  });

  it('agrees with umoci: docker export less its runtime entries is the image alone', async () => {
    const umoci = await readUmociView(image);
    expect(compareListings(oracle.listing, umoci, { oracle: 'docker export', actual: 'umoci', typeOnly: oracle.initLayerDirs })).toEqual([]);
  });
});

const ARCHIVES = [
  { name: 'docker save (legacy)', key: 'legacy', compression: 'none' },
  { name: 'skopeo oci-archive, gzip layers', key: 'ociGzip', compression: 'gzip' },
  { name: 'skopeo oci-archive, zstd layers', key: 'ociZstd', compression: 'zstd' },
] as const;

describe.each(ARCHIVES)('$name', ({ key, compression }) => {
  let engine: EngineImage;

  beforeAll(async () => {
    engine = await openWithEngine(image.archives[key], image.workDir);
  });

  it('merged filesystem equals docker export', () => {
    const problems = compareListings(oracle.listing, engineListing(engine.merged), { oracle: 'docker export', typeOnly: oracle.initLayerDirs });
    expect(problems).toEqual([]);
  });

  it('merged filesystem through the streaming merge equals docker export', async () => {
    const problems = compareListings(oracle.listing, engineListing(await streamedNodesOf(engine.archive)), { oracle: 'docker export', typeOnly: oracle.initLayerDirs });
    expect(problems).toEqual([]);
  });

  it('reports no errors for a Docker-built image', () => {
    const errors = [...engine.archive.problems, ...engine.archive.image.problems, ...engine.merged.problems].filter((p) => p.severity === 'error');
    expect(errors).toEqual([]);
  });

  it('each layer lists the entries GNU tar lists, in tar order', () => {
    const { image: resolved, layerScans } = engine.archive;
    expect(resolved.layers.length).toBe(oracle.layers.length);
    const problems = resolved.layers.flatMap((l, n) => compareLayerEntries(n, oracle.layers[n]!, layerScans.get(l.blob)!.entries));
    expect(problems).toEqual([]);
  });

  it('layers match docker inspect RootFS.Layers and the saved layer tars', async () => {
    const { layers, config } = engine.archive.image;
    expect(layers.map((l) => l.diffId)).toEqual(image.inspect.RootFS.Layers);
    expect(config.rootfs?.diff_ids).toEqual(image.inspect.RootFS.Layers);
    const tarSizes = await Promise.all(image.layerTars.map(async (f) => (await stat(f)).size));
    expect(layers.map((l) => l.uncompressedSize)).toEqual(tarSizes);
    expect(layers.map((l) => l.compression)).toEqual(layers.map(() => compression));
  });

  it('stored blobs match the archive as the converting tool describes it', async () => {
    const resolved = engine.archive.image;
    if (key === 'legacy') {
      // docker save stores the uncompressed tars and names the image by its config digest.
      expect(resolved.configDigest).toBe(image.inspect.Id);
      expect(resolved.layers.map((l) => l.digest)).toEqual(image.inspect.RootFS.Layers);
      expect(resolved.tags).toContain(image.tag);
      return;
    }
    // skopeo rewrites the config for OCI (fixtures/README.md), so the manifest it wrote is the reference.
    const manifest = JSON.parse((await run('skopeo', ['inspect', '--raw', `oci-archive:${image.archives[key]}`])).toString('utf8')) as {
      config: { digest: string };
      layers: Array<{ digest: string; size: number; mediaType: string }>;
    };
    expect(resolved.configDigest).toBe(manifest.config.digest);
    expect(resolved.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType }))).toEqual(
      manifest.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType })),
    );
  });

  it('config matches docker inspect', () => {
    const config = engine.archive.image.config.config ?? {};
    const want = image.inspect.Config;
    expect({ Env: config.Env, Cmd: config.Cmd, WorkingDir: config.WorkingDir, Labels: config.Labels }).toEqual({
      Env: want.Env,
      Cmd: want.Cmd,
      WorkingDir: want.WorkingDir,
      Labels: want.Labels,
    });
  });

  it('history matches docker history', () => {
    const { history, layers } = engine.archive.image;
    expect(history.map((h) => h.createdBy)).toEqual(image.history.map((h) => h.createdBy));
    const made = history.filter((h) => h.layer !== null).map((h) => h.layer);
    expect(made).toEqual(layers.map((l) => l.index));
    // Docker's SIZE depends on the storage driver. overlay2 measures the unpacked layer
    // directory (moby pkg/directory: regular files once per inode, plus each symlink's lstat
    // size, which is the length of its target); vfs sums tar header sizes instead. So on
    // overlay2 it is contentSize plus the bytes of the layer's symlink targets.
    const symlinkBytes = (n: number) =>
      engine.archive.layerScans.get(layers[n]!.blob)!.entries
        .filter((e) => e.type === 'symlink')
        .reduce((sum, e) => sum + Buffer.byteLength(e.linkTarget ?? ''), 0);
    const expected = image.history.map((h) => h.size);
    const got = history.map((h) => (h.layer === null ? 0 : layers[h.layer]!.contentSize + symlinkBytes(h.layer)));
    expect(got).toEqual(expected);
  });

  it('file contents read through the engine equal docker run … cat', async () => {
    for (const path of contentProbes) {
      const node = resolvePath(engine.merged, path);
      expect(node, `${path} resolves in the engine's view`).not.toBeNull();
      const content = node!.content;
      expect(content, `${path} has content in the engine's view`).not.toBeNull();
      const tarBlob = engine.archive.image.layers[content!.layer]!.tarBlob;
      const bytes = await buffer(openEntryContent(engine.store, tarBlob, content!.entry));
      const want = await catInDocker(path);
      expect({ path, size: bytes.length, same: bytes.equals(want) }).toEqual({ path, size: want.length, same: true });
    }
  });
});
