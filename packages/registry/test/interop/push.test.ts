/**
 * Pushes into the real registry in each auth mode: a fixture image's blobs and manifest, through
 * each of pushBlob's paths (uploaded monolithic and chunked, mounted, exists), checked by skopeo
 * (inspect --raw, copy back into an OCI layout) and Docker (pull, then run the image).
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRegistryClient, parseReference, type Descriptor } from '../../src/index.js';
import { MODES, SEEDED, clientOptions, dockerLogin, fixture, run, runText, skopeoFlags, scratch } from './tools.js';

const registries = inject('registries');
const dockerHost = inject('dockerHost');

/** An OCI archive unpacked with GNU tar: its manifest (bytes, type) and blob files. */
async function unpack(archive: string) {
  const dir = scratch('peel-registry-push');
  await run('tar', ['-xf', fixture(archive), '-C', dir]);
  const blobPath = (digest: string) => path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
  const top = (JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] }).manifests[0]!;
  const bytes = readFileSync(blobPath(top.digest));
  const manifest = JSON.parse(bytes.toString()) as { config: Descriptor; layers: Descriptor[] };
  return { mediaType: top.mediaType, digest: top.digest, bytes, blobs: [manifest.config, ...manifest.layers], open: (d: string) => Promise.resolve(createReadStream(blobPath(d))) };
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe.each(MODES)('pushing to the %s registry', (mode) => {
  const reg = registries[mode];
  // Small chunks, so that the 2 MiB layer goes up in PATCHes and the small blobs in one PUT.
  const CHUNK = 256 * 1024;
  const client = createRegistryClient(clientOptions(reg, { uploadChunkBytes: CHUNK }));
  afterAll(() => client.close());

  it('uploads an image the registry never saw (one PUT when small, PATCHes when big); skopeo and docker read it back', async () => {
    const image = await unpack('multi-podman-oci.tar');
    const target = parseReference(`${reg.host}/test/pushed-${unique()}:v1`);
    const progress = new Map<string, number[]>();
    for (const blob of image.blobs) {
      const seen: number[] = [];
      progress.set(blob.digest, seen);
      expect(await client.pushBlob(target, blob, () => image.open(blob.digest), { onProgress: (n) => seen.push(n) })).toBe('uploaded');
    }
    const big = image.blobs.filter((b) => b.size > CHUNK);
    expect(big.length).toBeGreaterThan(0);
    for (const blob of big) {
      // One report per PATCH, then the whole size after the final PUT.
      expect(progress.get(blob.digest)).toEqual([...Array.from({ length: Math.ceil(blob.size / CHUNK) }, (_, i) => Math.min((i + 1) * CHUNK, blob.size)), blob.size]);
    }
    for (const blob of image.blobs.filter((b) => b.size <= CHUNK)) expect(progress.get(blob.digest)).toEqual([blob.size]);

    expect(await client.pushManifest(target, image.mediaType, image.bytes)).toBe(image.digest);
    const name = `${target.registry}/${target.repository}:v1`;
    expect((await run('skopeo', ['inspect', '--raw', ...skopeoFlags(reg, 'plain'), `docker://${name}`])).equals(image.bytes)).toBe(true);
    // skopeo copy checks every blob's digest on the way into the layout.
    const layout = scratch('peel-registry-back');
    await run('skopeo', ['copy', '-q', ...skopeoFlags(reg, 'src'), `docker://${name}`, `oci:${layout}:back`]);
    const back = JSON.parse(readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
    expect(back.manifests[0]!.digest).toBe(image.digest);

    // Docker pulls it (127.0.0.0/8 is an insecure registry to dockerd) and runs it.
    const config = reg.username ? ['--config', await dockerLogin(reg, dockerHost)] : [];
    const docker = (args: string[]) => runText('docker', [...config, ...args], { DOCKER_HOST: dockerHost });
    await docker(['pull', '-q', name]);
    try {
      const out = await docker(['run', '--rm', '--network', 'none', name, 'cat', '/etc/os-release', '/etc/passwd', '/etc/group']);
      expect(out).toBe(readFileSync(fixture('multi.oracle/run-cat-etc.txt'), 'utf8'));
    } finally {
      await docker(['rmi', name]);
    }

    // A second push of a blob finds it there.
    expect(await client.pushBlob(target, image.blobs[1]!, () => image.open(image.blobs[1]!.digest))).toBe('exists');
  });

  it('mounts blobs another repository of the registry holds, and uploads what the mount source lacks', async () => {
    const image = await unpack('multi-oci.tar'); // what skopeo put in test/multi, blob for blob
    const target = parseReference(`${reg.host}/test/mounted-${unique()}:v1`);
    const opened: string[] = [];
    const open = (d: string) => { opened.push(d); return image.open(d); };
    for (const blob of image.blobs) {
      expect(await client.pushBlob(target, blob, () => open(blob.digest), { mountFrom: SEEDED.multi.split(':')[0] })).toBe('mounted');
    }
    expect(opened).toEqual([]);
    expect(await client.pushManifest(target, image.mediaType, image.bytes)).toBe(image.digest);
    const inspect = JSON.parse(await runText('skopeo', ['inspect', ...skopeoFlags(reg, 'plain'), `docker://${target.registry}/${target.repository}:v1`])) as { Digest: string; Layers: string[] };
    expect(inspect.Digest).toBe(image.digest);
    expect(inspect.Layers).toEqual(image.blobs.slice(1).map((b) => b.digest));

    // test/tiny lacks the podman image's config: the mount answers 202 and the upload goes on in that session.
    const podman = await unpack('multi-podman-oci.tar');
    expect(await client.pushBlob(target, podman.blobs[0]!, () => podman.open(podman.blobs[0]!.digest), { mountFrom: 'test/tiny' })).toBe('uploaded');
    expect(await client.hasBlob(target, podman.blobs[0]!.digest)).toBe(true);
  });

  it('pushes a multi-platform image: each manifest by digest, then the index by tag; skopeo copies it back whole', async () => {
    const dir = scratch('peel-registry-index');
    await run('tar', ['-xf', fixture('tiny-multiarch-oci.tar'), '-C', dir]);
    const blobPath = (digest: string) => path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
    // index.json → an index (the image) → one manifest per platform.
    const top = (JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] }).manifests[0]!;
    const indexBytes = readFileSync(blobPath(top.digest));
    const platforms = (JSON.parse(indexBytes.toString()) as { manifests: Descriptor[] }).manifests;
    const target = parseReference(`${reg.host}/test/index-${unique()}:v1`);
    const pushed = new Set<string>();
    for (const m of platforms) {
      const bytes = readFileSync(blobPath(m.digest));
      const image = JSON.parse(bytes.toString()) as { config: Descriptor; layers: Descriptor[] };
      for (const blob of [image.config, ...image.layers]) {
        // A blob both platforms share is there for the second one.
        expect(await client.pushBlob(target, blob, async () => createReadStream(blobPath(blob.digest)))).toBe(pushed.has(blob.digest) ? 'exists' : 'uploaded');
        pushed.add(blob.digest);
      }
      expect(await client.pushManifest({ ...target, tag: null, digest: m.digest }, m.mediaType, bytes)).toBe(m.digest);
    }
    expect(await client.pushManifest(target, top.mediaType, indexBytes)).toBe(top.digest);
    const name = `docker://${target.registry}/${target.repository}:v1`;
    expect((await run('skopeo', ['inspect', '--raw', ...skopeoFlags(reg, 'plain'), name])).equals(indexBytes)).toBe(true);
    const layout = scratch('peel-registry-index-back');
    await run('skopeo', ['copy', '-q', '--all', ...skopeoFlags(reg, 'src'), name, `oci:${layout}:back`]);
    const back = JSON.parse(readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
    expect(back.manifests[0]!.digest).toBe(top.digest);
    // A manifest whose bytes do not match the digest it is pushed under is refused before sending.
    const other = readFileSync(blobPath(platforms[0]!.digest));
    await expect(client.pushManifest({ ...target, tag: null, digest: platforms[1]!.digest }, platforms[0]!.mediaType, other)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('refuses bytes that do not match the digest, and leaves nothing stored', async () => {
    const target = parseReference(`${reg.host}/test/refused-${unique()}:v1`);
    const small = Buffer.from('not the bytes of the digest\n');
    const big = Buffer.alloc(CHUNK * 2 + 10, 7);
    for (const bytes of [small, big]) {
      const claimed = { digest: `sha256:${createHash('sha256').update('other').digest('hex')}`, size: bytes.length };
      await expect(client.pushBlob(target, claimed, async () => Readable.from([bytes]))).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
      expect(await client.hasBlob(target, claimed.digest)).toBe(false);
      const real = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      expect(await client.hasBlob(target, real)).toBe(false);
    }
    // A source shorter or longer than the descriptor says is refused too.
    const digest = `sha256:${createHash('sha256').update(small).digest('hex')}`;
    await expect(client.pushBlob(target, { digest, size: small.length + 1 }, async () => Readable.from([small]))).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
    await expect(client.pushBlob(target, { digest, size: small.length - 1 }, async () => Readable.from([small]))).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
    expect(await client.hasBlob(target, digest)).toBe(false);
  });
});
