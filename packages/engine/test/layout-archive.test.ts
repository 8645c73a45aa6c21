import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutArchive, openImageArchive, type LayoutImage } from '../src/index.js';
import { openFixture, tempStore } from './helpers.js';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** The blobs of a fixture, as a registry would serve them: an OCI manifest, its config and layers. */
async function imageFrom(name: string): Promise<{ image: LayoutImage; dispose: () => Promise<void>; layerDigests: string[] }> {
  const { store, dispose } = await tempStore();
  const archive = await openFixture(name, store);
  const stored = async (digest: string) => collect(store.open(digest));
  const config = await stored(archive.image.configDigest);
  const layers = archive.image.layers.map((l) => ({ digest: l.blob, size: l.size, mediaType: 'application/vnd.oci.image.layer.v1.tar' }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: archive.image.configDigest, size: config.length },
    layers,
  }));
  return {
    image: {
      manifest: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), bytes: manifest },
      blobs: [
        { digest: archive.image.configDigest, size: config.length, open: async () => [config] },
        ...layers.map((l) => ({ digest: l.digest, size: l.size, open: async () => store.open(l.digest) })),
      ],
      platform: { os: 'linux', architecture: 'amd64' },
      name: 'registry.example:5000/team/app:1.4',
    },
    dispose,
    layerDigests: layers.map((l) => l.digest),
  };
}

describe('layoutArchive: an image given blob by blob, as an OCI layout tar', () => {
  it('is a tar GNU tar lists, and opens as the image it was given', async () => {
    const { image, dispose, layerDigests } = await imageFrom('tiny-docker-legacy.tar');
    const out = await tempStore();
    try {
      const bytes = await collect(layoutArchive(image));
      const file = join(out.dir, 'layout.tar');
      await writeFile(file, bytes);
      const names = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n');
      expect(names.slice(0, 4)).toEqual(['oci-layout', 'index.json', 'blobs/', 'blobs/sha256/']);
      expect(names.slice(4)).toEqual([image.manifest.digest, ...image.blobs.map((b) => b.digest)].map((d) => `blobs/sha256/${d.slice(7)}`));
      const index = JSON.parse(execFileSync('tar', ['-xOf', file, 'index.json'], { encoding: 'utf8' }));
      expect(index.manifests[0]).toMatchObject({ digest: image.manifest.digest, annotations: { 'io.containerd.image.name': 'registry.example:5000/team/app:1.4', 'org.opencontainers.image.ref.name': '1.4' } });
      const opened = await openImageArchive([bytes], out.store);
      expect(opened.format).toBe('oci');
      expect(opened.image.manifestDigest).toBe(image.manifest.digest);
      expect(opened.image.layers.map((l) => l.blob)).toEqual(layerDigests);
      expect(opened.image.tags).toEqual(['registry.example:5000/team/app:1.4']);
      // The same image makes the same bytes.
      expect(sha256(await collect(layoutArchive(image)))).toBe(sha256(bytes));
    } finally {
      await dispose();
      await out.dispose();
    }
  });

  it('fails when a blob brings fewer or more bytes than the manifest says', async () => {
    const { image, dispose } = await imageFrom('tiny-docker-legacy.tar');
    try {
      const last = image.blobs.length - 1;
      const short = { ...image, blobs: image.blobs.map((b, i) => (i === last ? { ...b, size: b.size + 1 } : b)) };
      await expect(collect(layoutArchive(short))).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
      const long = { ...image, blobs: image.blobs.map((b, i) => (i === last ? { ...b, size: b.size - 1 } : b)) };
      await expect(collect(layoutArchive(long))).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
    } finally {
      await dispose();
    }
  });
});
