/**
 * Export variants beyond the default, checked by tools other than Peel: uncompressed layers
 * (`compression=none`) loaded and run by Docker, whose filesystem must be the source's as umoci
 * unpacks it with the edits applied by edit-model.ts, and an arm64 image's exports read by skopeo
 * (`inspect --raw`, `inspect --config --raw`, `copy` to a `dir:`, whose blobs are hashed here).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ImageDetail, ImageSummary } from '@peel/api';
import { compareListings } from '../../../../packages/engine/test/interop/compare-listings.js';
import { dockerCli, run, runText, type DockerCli } from '../../../../packages/engine/test/interop/exec.js';
import type { FsListing } from '../../../../packages/engine/test/interop/fs-listing.js';
import { umociListing } from '../../../../packages/engine/test/interop/umoci-view.js';
import { build, FIXTURES, fixture, getJson, ingest, removeDir, tempDir, upload } from '../helper.js';
import { downloadExport, editDraft } from './api.js';
import { applyEdits, sendEdits, type Edit } from './edit-model.js';
import { unpackExport } from './export-archive.js';
import { dockerListing, RUNTIME_ENTRIES, without } from './fs-views.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
  }
}

const ALPYNE = await readFile(path.join(FIXTURES, 'tiny-alpyne-expected.txt'));
const MODES = ['append', 'flatten', 'rewrite'] as const;
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';
const REPO = 'peel-interop-formats';

let app: FastifyInstance;
let dataDir: string;
let work: string;
let docker: DockerCli;
const loaded: string[] = [];

beforeAll(async () => {
  docker = dockerCli(inject('dockerHost'));
  dataDir = await tempDir('peel-formats-interop-');
  work = path.join(dataDir, 'work');
  await mkdir(work);
  app = await build(path.join(dataDir, 'data'));
});

afterAll(async () => {
  await app?.close();
  if (loaded.length) await docker.run(['image', 'rm', '--force', ...loaded]).catch(() => undefined);
  await removeDir(dataDir);
});

async function sha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** The first bytes of a file. */
async function head(file: string, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(file, { start: 0, end: n - 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('compression=none: Docker loads and runs the uncompressed exports', () => {
  let id: string;
  let original: ImageDetail;
  /** umoci's unpack of the source with the edits applied. */
  let expected: FsListing;
  const edits: Edit[] = [
    { op: 'write', path: '/etc/os-release', content: ALPYNE, mode: 0o644, uid: 0, gid: 0 },
    // A file two layers hold.
    { op: 'delete', path: '/var/lib/app/big.bin' },
    { op: 'rename', from: '/opt/app/conf', to: '/srv/conf' },
  ];

  beforeAll(async () => {
    expected = applyEdits(await umociListing(`oci-archive:${fixture('multi-oci')}`, work), edits);
    id = await ingest(app, 'multi-oci');
    original = await getJson<ImageDetail>(app, `/api/images/${id}`);
    await sendEdits(app, id, edits);
    // A purge: a file a higher layer already deletes, deleted again so the export drops its bytes
    // (the filesystem stays as it was).
    await editDraft(app, id, 'DELETE', '/draft/content?path=/opt/app/.env');
  });

  it.each(MODES)('%s', async (mode) => {
    const tag = `${REPO}/uncompressed-${mode}:latest`;
    const file = path.join(work, `uncompressed-${mode}.tar`);
    const dir = path.join(work, `uncompressed-${mode}`);
    await downloadExport(app, id, `mode=${mode}&compression=none&tag=${encodeURIComponent(tag)}`, file);
    const image = await unpackExport(file, dir);
    // The layers the export made itself: flatten's one, the changes layer of append and rewrite
    // (rewrite's rewritten lower layers keep the compression they had).
    const made = mode === 'flatten' ? image.manifest.layers : image.manifest.layers.slice(original.layers.length);
    expect(made).toHaveLength(1);
    for (const [i, layer] of image.manifest.layers.entries()) {
      const blob = path.join(dir, 'blobs/sha256', layer.digest.slice('sha256:'.length));
      // Every blob is what its digest says…
      expect(await sha256(createReadStream(blob)), `blob ${layer.digest}`).toBe(layer.digest);
      if (!made.includes(layer)) continue;
      // …and a made one is a plain tar: no gzip magic, the digest is the diff_id, the media type says so.
      expect(layer.mediaType, `layer ${i}`).toBe(OCI_LAYER);
      expect((await head(blob, 2)).equals(Buffer.from([0x1f, 0x8b])), `layer ${i} starts with gzip's magic`).toBe(false);
      expect(image.config.rootfs.diff_ids[i]).toBe(layer.digest);
    }

    expect(await docker.text(['load', '-i', file])).toContain(`Loaded image: ${tag}`);
    loaded.push(tag);
    const out = await docker.run(['run', '--rm', '--network', 'none', tag, 'cat', '/etc/os-release']);
    expect(out.toString()).toBe(ALPYNE.toString());
    const inspect = JSON.parse(await docker.text(['image', 'inspect', tag])) as Array<{ RootFS: { Layers: string[] } }>;
    expect(inspect[0].RootFS.Layers).toEqual(image.config.rootfs.diff_ids);
    const dockerView = await dockerListing(docker, tag, path.join(dir, 'docker-export.tar'), expected);
    const oracle = 'umoci of the source + the edits';
    expect(compareListings(without(expected, RUNTIME_ENTRIES), dockerView.listing, { oracle, actual: `docker export of the ${mode} export`, typeOnly: dockerView.typeOnly })).toEqual([]);
  });
});

interface Platformed {
  architecture?: string;
  os?: string;
  variant?: string;
}

/** The arm64 image's config as the fixture's oracle recorded it (skopeo, when it was made). */
const ARM64 = JSON.parse(await readFile(path.join(FIXTURES, 'tiny-multiarch-oci.oracle/config-arm64.json'), 'utf8')) as Platformed & { rootfs: { diff_ids: string[] } };

describe('arm64: skopeo reads the exports of an arm64 image', () => {
  let id: string;

  beforeAll(async () => {
    const res = await upload(app, fixture('tiny-multiarch-oci'), 'platform=linux/arm64');
    expect(res.statusCode, res.body).toBe(201);
    id = (res.json() as ImageSummary).id;
    await editDraft(app, id, 'PUT', '/draft/content?path=/etc/os-release', ALPYNE);
  });

  it.each(MODES)('%s', async (mode) => {
    const file = path.join(work, `arm64-${mode}.tar`);
    const copy = path.join(work, `arm64-${mode}-dir`);
    await downloadExport(app, id, `mode=${mode}&tag=${encodeURIComponent(`${REPO}/arm64-${mode}:latest`)}`, file);
    const ref = `oci-archive:${file}`;

    // The platform as skopeo reads it: the config's, and the index entry's (GNU tar unpacks it).
    const config = JSON.parse(await runText('skopeo', ['inspect', '--config', '--raw', ref])) as Platformed & { rootfs: { diff_ids: string[] } };
    expect({ os: config.os, architecture: config.architecture, variant: config.variant }).toEqual({ os: ARM64.os, architecture: 'arm64', variant: ARM64.variant });
    const image = await unpackExport(file, path.join(work, `arm64-${mode}`));
    expect(image.index.manifests).toHaveLength(1);
    expect(image.index.manifests[0].platform).toEqual({ os: 'linux', architecture: 'arm64', ...(ARM64.variant ? { variant: ARM64.variant } : {}) });
    // Append keeps the original layer (rewrite rewrites it: it held the replaced /etc/os-release).
    if (mode === 'append') expect(config.rootfs.diff_ids.slice(0, ARM64.rootfs.diff_ids.length)).toEqual(ARM64.rootfs.diff_ids);

    // The manifest skopeo reads is the archive's, byte for byte.
    const raw = await run('skopeo', ['inspect', '--raw', ref]);
    expect(`sha256:${createHash('sha256').update(raw).digest('hex')}`).toBe(image.index.manifests[0].digest);
    const manifest = JSON.parse(raw.toString()) as { layers: Array<{ digest: string; mediaType: string; size: number }> };

    // skopeo copies every blob out (checking each against its digest as it goes); hashed again
    // here: each layer blob is its digest and size, and its uncompressed tar is its diff_id.
    await run('skopeo', ['--insecure-policy', 'copy', '-q', ref, `dir:${copy}`]);
    expect(manifest.layers).toHaveLength(config.rootfs.diff_ids.length);
    for (const [i, layer] of manifest.layers.entries()) {
      const blob = path.join(copy, layer.digest.slice('sha256:'.length));
      expect(await sha256(createReadStream(blob)), `layer ${i}`).toBe(layer.digest);
      const tar = layer.mediaType.endsWith('+gzip') ? createReadStream(blob).pipe(createGunzip()) : createReadStream(blob);
      expect(await sha256(tar), `layer ${i} uncompressed`).toBe(config.rootfs.diff_ids[i]);
    }
    // The edit is in the top layer, read by GNU tar from skopeo's copy.
    const top = path.join(copy, manifest.layers.at(-1)!.digest.slice('sha256:'.length));
    expect(await run('tar', ['-xOf', top, 'etc/os-release'])).toEqual(ALPYNE);
  });
});
