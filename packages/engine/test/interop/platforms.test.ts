/**
 * Multi-platform archives (an OCI index, a Docker manifest list, a partial containerd export)
 * and the OCI archives of dive's test suite, each platform checked on its own against skopeo
 * and umoci, never against the engine:
 * - the index as `skopeo inspect --raw` prints it: every platform and manifest digest;
 * - `skopeo copy --override-arch A … dir:` keeps that platform's manifest and config byte for
 *   byte: the engine's manifest digest, media type, config bytes and layers must be those;
 * - `umoci raw unpack` of that platform is the merged filesystem the engine must show.
 * Docker 20.10 cannot load any of these (no manifest.json, fixtures/README.md), so umoci is
 * the filesystem oracle here.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareListings } from './compare-listings.js';
import { engineListing, openWithEngine } from './engine-view.js';
import { run, runText, ToolError } from './exec.js';
import { umociListing } from './umoci-view.js';
import { FIXTURES } from '../helpers.js';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
}

interface Manifest {
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

const ARCHIVES = [
  { file: 'tiny-multiarch-oci.tar', index: 'application/vnd.oci.image.index.v1+json', available: ['amd64', 'arm64'], missing: [] },
  { file: 'tiny-multiarch-v2s2-oci.tar', index: 'application/vnd.docker.distribution.manifest.list.v2+json', available: ['amd64', 'arm64'], missing: [] },
  // `ctr images export` wrote the host platform's blobs only: the arm64 manifest is listed, absent.
  { file: 'tiny-multiarch-containerd-export.tar', index: 'application/vnd.oci.image.index.v1+json', available: ['amd64'], missing: ['arm64'] },
];

const DIVE_OCI = ['dive-test-oci-gzip-image.tar', 'dive-test-oci-uncompressed-image.tar', 'dive-test-oci-zstd-image.tar', 'dive-test-oci-estargz-image.tar'];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'peel-platforms-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** One platform of `archive` copied by skopeo to a `dir:` (manifest and blobs kept as they are). */
async function skopeoDir(archive: string, arch: string): Promise<{ manifestRaw: Buffer; manifest: Manifest; configRaw: Buffer }> {
  const dir = await mkdtemp(path.join(work, `dir-${arch}-`));
  await run('skopeo', ['--insecure-policy', '--override-os', 'linux', '--override-arch', arch, 'copy', '-q', `oci-archive:${archive}`, `dir:${dir}`]);
  const manifestRaw = await readFile(path.join(dir, 'manifest.json'));
  const manifest = JSON.parse(manifestRaw.toString('utf8')) as Manifest;
  const configRaw = await readFile(path.join(dir, manifest.config.digest.slice('sha256:'.length)));
  return { manifestRaw, manifest, configRaw };
}

/** The engine's image of one platform against skopeo's copy and umoci's unpack of it. */
async function checkPlatform(archive: string, arch: string): Promise<void> {
  const engine = await openWithEngine(archive, work, { platform: `linux/${arch}` });
  const { image } = engine.archive;
  const oracle = await skopeoDir(archive, arch);
  expect(image.platform).toEqual({ os: 'linux', architecture: arch });
  expect(image.manifestDigest).toBe(sha256(oracle.manifestRaw));
  expect(image.manifestMediaType).toBe(oracle.manifest.mediaType ?? 'application/vnd.oci.image.manifest.v1+json');
  expect(image.configDigest).toBe(oracle.manifest.config.digest);
  expect(image.configRaw.equals(oracle.configRaw), 'config bytes equal skopeo’s copy').toBe(true);
  const config = JSON.parse(oracle.configRaw.toString('utf8')) as { architecture: string; rootfs: { diff_ids: string[] } };
  expect(config.architecture).toBe(arch);
  expect(image.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType }))).toEqual(
    oracle.manifest.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType })),
  );
  expect(image.layers.map((l) => l.diffId)).toEqual(config.rootfs.diff_ids);

  const umoci = await umociListing(`oci-archive:${archive}`, work, ['--override-os', 'linux', '--override-arch', arch]);
  expect(umoci.size).toBeGreaterThan(0);
  expect(compareListings(umoci, engineListing(engine.merged), { oracle: `umoci raw unpack (linux/${arch})` })).toEqual([]);
}

describe.each(ARCHIVES)('$file', ({ file, index, available, missing }) => {
  const archive = path.join(FIXTURES, file);

  it('lists the platforms and manifest digests the index holds, and which are present', async () => {
    const raw = JSON.parse(await runText('skopeo', ['inspect', '--raw', `oci-archive:${archive}`])) as { mediaType: string; manifests: Descriptor[] };
    expect(raw.mediaType).toBe(index);
    const engine = await openWithEngine(archive, work);
    const listed = raw.manifests.map((m) => ({ arch: m.platform!.architecture, digest: m.digest, available: available.includes(m.platform!.architecture) }));
    expect(listed.map((l) => l.arch).sort()).toEqual([...available, ...missing].sort());
    expect(engine.archive.platforms.map((p) => ({ arch: p.platform.architecture, digest: p.manifestDigest, available: p.available }))).toEqual(listed);
  });

  it.each(available)('linux/%s: manifest, config, layers and merged filesystem equal skopeo’s and umoci’s', async (arch) => {
    await checkPlatform(archive, arch);
  });

  it.each(missing)('linux/%s: listed but absent — skopeo cannot copy it and the engine refuses to open it', async (arch) => {
    const copied = await skopeoDir(archive, arch).then(() => 'copied', (e: unknown) => e);
    expect(copied).toBeInstanceOf(ToolError);
    const opened = await openWithEngine(archive, work, { platform: `linux/${arch}` }).then(() => 'opened', (e: { message: string }) => e.message);
    expect(opened).toMatch(/partial export/);
  });
});

// dive's images were built on arm64 (one manifest each, no index).
describe.each(DIVE_OCI)('peers/%s', (file) => {
  it('manifest, config, layers and merged filesystem equal skopeo’s and umoci’s', async () => {
    await checkPlatform(path.join(FIXTURES, 'peers', file), 'arm64');
  });
});
