import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream } from 'node:fs';
import { openImageArchive, type FsBlobStore } from '../src/index.js';
import { FIXTURES, mergedOf, tempStore } from './helpers.js';

let store: FsBlobStore;
let dispose: () => Promise<void>;
beforeAll(async () => ({ store, dispose } = await tempStore()));
afterAll(() => dispose());

const open = (name: string, opts = {}) => openImageArchive(createReadStream(`${FIXTURES}/peers/${name}`), store, opts);

describe("dive's OCI archives: one image in four layer encodings", () => {
  it.each([
    ['dive-test-oci-uncompressed-image.tar', 'none'],
    ['dive-test-oci-gzip-image.tar', 'gzip'],
    ['dive-test-oci-zstd-image.tar', 'zstd'],
    ['dive-test-oci-estargz-image.tar', 'gzip'],
  ])('%s reads as %s with the same filesystem', async (file, compression) => {
    const a = await open(file);
    expect(a.format).toBe('oci');
    expect(a.image.platform).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(a.image.layers.map((l) => l.compression)).toEqual([compression]);
    const readme = mergedOf(a).get('README.md');
    expect(readme?.entry).toMatchObject({ type: 'file', size: 11189 });
    const ref = mergedOf(await open('dive-test-oci-uncompressed-image.tar')).get('README.md');
    expect(readme?.entry.digest).toBe(ref?.entry.digest);
  });
});

describe("go-containerregistry's archives", () => {
  it('a bundle of two images: both listed, chosen by tag', async () => {
    const a = await open('ggcr-test_bundle.tar');
    expect(a.images.map((i) => i.tags)).toEqual([['test_image_2'], ['test_image_1']]);
    const b = await open('ggcr-test_bundle.tar', { tag: 'test_image_1' });
    expect(b.image.tags).toEqual(['test_image_1']);
    expect(b.image.configDigest).not.toBe(a.image.configDigest);
  });

  it('layer symlinks resolve to the layer they point at', async () => {
    const a = await open('ggcr-test_link.tar', { tag: 'bazel/v1/tarball:test_image_3' });
    expect(a.image.layers).toHaveLength(2);
    const link = a.entries.find((e) => e.type === 'symlink');
    expect(link).toMatchObject({ role: 'layer', linkTarget: '../6e77476643c3155b1e9ae07dd5a4c8288bdb6590c131c222b7a3f277dec1e266/layer.tar' });
    expect(a.image.layers[0].digest).toBe(link!.digest);
  });

  it('Docker 25 with "manifests": null falls back to manifest.json and says so', async () => {
    const a = await open('ggcr-hello-world-v25.tar');
    expect(a.format).toBe('docker-oci');
    expect(a.problems.map((p) => p.code)).toContain('NULL_MANIFESTS');
    expect(a.image.layers).toHaveLength(1);
  });

  it('whiteouts and overwritten files', async () => {
    const w = mergedOf(await open('ggcr-whiteout_image.tar'));
    expect(w.allShadowed().some((s) => s.deletedBy !== null)).toBe(true);
    const o = mergedOf(await open('ggcr-overwritten_file.tar'));
    expect(o.get('foo.txt')?.entry).toMatchObject({ type: 'symlink', linkTarget: 'bar.txt', mode: 0o777 });
    expect(o.shadowed('')).toMatchObject([{ path: 'foo.txt', layer: 0, overwrittenBy: 1 }]);
  });
});
