/**
 * Exports of the entries tar writers get wrong (exotic-image.ts: devices, a fifo, long and
 * non-UTF-8 names, a 40-level path, setuid/setgid/sticky, a `security.capability` xattr, a
 * sparse file, folder↔file swaps), in each mode, loaded by Docker and by umoci, compared with
 * the SOURCE image as Docker exports it plus the edits applied to that listing by the test
 * (edit-model.ts). Peel's own views are never the expected value.
 *
 * What Docker changes on the way: `docker export` writes the sparse file with its holes filled
 * (so the comparison is of content digests, not of the layout), and adds its runtime entries
 * (fs-views.ts). It keeps devices, the fifo and `security.capability` (moby copies that one
 * xattr into the export), so all of those are compared.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { dockerCli, type DockerCli } from '../../../../packages/engine/test/interop/exec.js';
import { compareListings } from '../../../../packages/engine/test/interop/compare-listings.js';
import { listTar, listTarXattrs, tarFileDigests } from '../../../../packages/engine/test/interop/gnu-tar.js';
import { listingFromTar, type FsListing } from '../../../../packages/engine/test/interop/fs-listing.js';
import { umociListing } from '../../../../packages/engine/test/interop/umoci-view.js';
import { build, removeDir, tempDir, upload } from '../helper.js';
import { dockerListing } from './fs-views.js';
import { unpackExport } from './export-archive.js';
import { downloadExport } from './api.js';
import { applyEdits, dockerLoadAs, sendEdits, type Edit } from './edit-model.js';
import { buildExoticArchive, EXOTIC_PATHS, GONE, SPARSE_DATA, SPARSE_SIZE } from './exotic-image.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
  }
}

const MODES = ['append', 'flatten', 'rewrite'] as const;
const RUN = `${process.pid}-${Date.now()}`;
const SOURCE_TAG = `peel-interop-exotic/source:${RUN}`;
const CAPABILITY_XATTR = 'SCHILY.xattr.security.capability=';

/** A small edit that still touches both layers, so rewrite re-writes each of them. */
const EDITS: Edit[] = [
  { op: 'write', path: '/edited.txt', content: Buffer.from('edited\n'), mode: 0o640, uid: 7, gid: 8 },
  { op: 'delete', path: '/modes/private' },
  { op: 'delete', path: '/swap/was-file/inner.txt' },
];

let app: FastifyInstance;
let dataDir: string;
let docker: DockerCli;
let id: string;
const tags: string[] = [];
let source: { listing: FsListing; exportTar: string; diffIds: string[] };
let expected: FsListing;

beforeAll(async () => {
  docker = dockerCli(inject('dockerHost'));
  dataDir = await tempDir('peel-export-exotic-');
  const archive = path.join(dataDir, 'exotic.tar');
  await buildExoticArchive(archive, dataDir, SOURCE_TAG);

  await dockerLoadAs(docker, archive, SOURCE_TAG);
  tags.push(SOURCE_TAG);
  const exportTar = path.join(dataDir, 'source-export.tar');
  // The image has no dev/, etc/, proc/ or sys/: those and the runtime entries are Docker's alone.
  const { listing } = await dockerListing(docker, SOURCE_TAG, exportTar, new Map());
  const inspect = JSON.parse(await docker.text(['image', 'inspect', SOURCE_TAG])) as Array<{ RootFS: { Layers: string[] } }>;
  source = { listing, exportTar, diffIds: inspect[0]!.RootFS.Layers };
  expected = applyEdits(listing, EDITS);

  app = await build(path.join(dataDir, 'data'));
  const res = await upload(app, archive);
  expect(res.statusCode, res.body).toBe(201);
  id = (res.json() as { id: string }).id;
  await sendEdits(app, id, EDITS);
});

afterAll(async () => {
  await app?.close();
  if (tags.length) await docker.run(['image', 'rm', '--force', ...tags]).catch(() => undefined);
  await removeDir(dataDir);
});

/** The raw PAX record value of `security.capability` for the one file that has it, from a tar's bytes. */
async function capabilityValue(tar: string): Promise<Buffer> {
  const bytes = await readFile(tar);
  const at = bytes.indexOf(CAPABILITY_XATTR);
  expect(at, `${tar} holds a security.capability PAX record`).toBeGreaterThan(0);
  expect(bytes.indexOf(CAPABILITY_XATTR, at + 1), 'one security.capability record only').toBe(-1);
  return bytes.subarray(at + CAPABILITY_XATTR.length, bytes.indexOf(0x0a, at));
}

describe('the exotic source image as Docker exports it', () => {
  it('holds every case the export must carry', async () => {
    const l = source.listing;
    const get = (p: string) => l.get(p);
    expect(get(EXOTIC_PATHS.char)).toMatchObject({ type: 'char', device: '1,3' });
    expect(get(EXOTIC_PATHS.block)).toMatchObject({ type: 'block', device: '7,7' });
    expect(get(EXOTIC_PATHS.fifo)).toMatchObject({ type: 'fifo' });
    expect(get(EXOTIC_PATHS.setuid)).toMatchObject({ type: 'file', mode: 0o4755 });
    expect(get(EXOTIC_PATHS.setgid)).toMatchObject({ type: 'file', mode: 0o2711 });
    expect(get(EXOTIC_PATHS.sticky)).toMatchObject({ type: 'dir', mode: 0o1777 });
    expect(get('modes/owned')).toMatchObject({ uid: 1000, gid: 2000, mode: 0o640 });
    expect(get(EXOTIC_PATHS.sparse)).toMatchObject({ type: 'file', size: SPARSE_SIZE });
    for (const p of [EXOTIC_PATHS.deep, EXOTIC_PATHS.long, EXOTIC_PATHS.longPath, EXOTIC_PATHS.fileBecameDir]) expect(get(p), p).toMatchObject({ type: 'file' });
    expect(get(EXOTIC_PATHS.dirBecameFile)).toMatchObject({ type: 'file' });
    expect(GONE.filter((p) => l.has(p))).toEqual([]);
    // Non-UTF-8 names, read back from GNU tar byte for byte (0xE9, 0xFF 0xFE as U+DC80+byte).
    expect(get('names/caf\udce9.txt')).toMatchObject({ type: 'file' });
    expect(get('names/hard-\udce9')).toMatchObject({ type: 'file', digest: get('names/caf\udce9.txt')!.digest });
    expect(get('names/link-\udce9')).toMatchObject({ type: 'symlink', link: 'caf\udce9.txt' });
    expect(get('names/\udcff\udcfe/inside.txt')).toMatchObject({ type: 'file' });
    expect((await listTarXattrs(source.exportTar)).get(EXOTIC_PATHS.capability)).toEqual(['security.capability=20']);
  });

  it('Peel reads the sparse file back with its holes as zeros (GNU tar wrote it sparse)', async () => {
    const res = await app.inject(`/api/images/${id}/content?path=${encodeURIComponent(`/${EXOTIC_PATHS.sparse}`)}`);
    expect(res.statusCode).toBe(200);
    const want = Buffer.alloc(SPARSE_SIZE);
    for (const { offset, bytes } of SPARSE_DATA) bytes.copy(want, offset);
    expect(res.rawPayload.equals(want)).toBe(true);
  });
});

describe.each(MODES)('%s export', (mode) => {
  const tag = `peel-interop-exotic/${mode}:${RUN}`;
  let file: string;

  beforeAll(async () => {
    file = path.join(dataDir, `${mode}.tar`);
    await downloadExport(app, id, `mode=${mode}&tag=${encodeURIComponent(tag)}`, file);
  });

  it('went through the writer the mode names (the exotic layers are re-written, or kept by append)', async () => {
    const image = await unpackExport(file, path.join(dataDir, `${mode}-layout`));
    const diffIds = image.config.rootfs.diff_ids;
    if (mode === 'append') expect(diffIds.slice(0, 2)).toEqual(source.diffIds);
    if (mode === 'flatten') expect(diffIds).toHaveLength(1);
    if (mode === 'rewrite') {
      // Both source layers hold a deleted path: both re-written; the new file goes on top.
      expect(diffIds).toHaveLength(3);
      source.diffIds.forEach((d, i) => expect(diffIds[i], `layer ${i} re-written`).not.toBe(d));
    }
    // Each layer as GNU tar lists it: the capability xattr is carried by the layer that has the file.
    const xattrs = await Promise.all(image.manifest.layers.map((l) => listTarXattrs(path.join(image.dir, 'blobs/sha256', l.digest.slice('sha256:'.length)))));
    expect(xattrs.filter((x) => x.size > 0).map((x) => Object.fromEntries(x))).toEqual([{ [EXOTIC_PATHS.capability]: ['security.capability=20'] }]);
  });

  it('docker load + docker export: the source as Docker exports it, with the edits', async () => {
    await dockerLoadAs(docker, file, tag);
    tags.push(tag);
    const exportTar = path.join(dataDir, `${mode}-docker-export.tar`);
    const view = await dockerListing(docker, tag, exportTar, expected);
    expect(compareListings(expected, view.listing, { oracle: 'docker export of the source + the edits', actual: `docker export of the ${mode} export`, typeOnly: view.typeOnly })).toEqual([]);
    expect(Object.fromEntries(await listTarXattrs(exportTar))).toEqual(Object.fromEntries(await listTarXattrs(source.exportTar)));
    expect((await capabilityValue(exportTar)).equals(await capabilityValue(source.exportTar)), 'the capability bytes survive').toBe(true);
  });

  it('umoci raw unpack: the same filesystem', async () => {
    const unpacked = await umociListing(`oci-archive:${file}`, dataDir);
    expect(compareListings(expected, unpacked, { oracle: 'docker export of the source + the edits', actual: `umoci's unpack of the ${mode} export` })).toEqual([]);
  });
});

describe('flatten, read by GNU tar alone', () => {
  it('its one layer lists exactly the expected filesystem', async () => {
    const file = path.join(dataDir, 'flatten-gnu.tar');
    await downloadExport(app, id, 'mode=flatten', file);
    const image = await unpackExport(file, path.join(dataDir, 'flatten-gnu'));
    expect(image.manifest.layers).toHaveLength(1);
    const layer = path.join(image.dir, 'blobs/sha256', image.manifest.layers[0]!.digest.slice('sha256:'.length));
    const listing = listingFromTar(await listTar(layer), await tarFileDigests(layer));
    expect(compareListings(expected, listing, { oracle: 'docker export of the source + the edits', actual: 'GNU tar of the flattened layer' })).toEqual([]);
  });
});
