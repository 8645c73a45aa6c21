/**
 * The engine's exportImage checked against an expected value it did not compute (the unit
 * suite's export.test.ts re-reads exports with the engine and compares with `mergeLayers`).
 * The source is podman's build of multi saved as a docker-archive (an opaque whiteout, a hard
 * link pair, setuid, owned folders); the expected filesystem is `docker export` of the loaded
 * source with the draft's edits applied by the test (edit-model.ts). Each export mode is then
 * written to a file, loaded by Docker and exported again, and must equal it.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exportImage, type Draft, type DraftOp, type ExportMode } from '../../src/index.js';
import { compareListings } from './compare-listings.js';
import { dockerExportListing } from './docker-view.js';
import { applyEdits, dockerLoadAs, type Edit } from './edit-model.js';
import { openWithEngine, type EngineImage } from './engine-view.js';
import { dockerCli, type DockerCli } from './exec.js';
import type { FsListing } from './fs-listing.js';
import { umociListing } from './umoci-view.js';
import { FIXTURES } from '../helpers.js';

const ARCHIVE = path.join(FIXTURES, 'multi-podman-docker-archive.tar');
const MODES: ExportMode[] = ['append', 'flatten', 'rewrite'];
const RUN = `${process.pid}-${Date.now()}`;

const EDITS: Edit[] = [
  // A file inside the folder podman's layer made opaque, rewritten with other attributes.
  { op: 'write', path: '/opt/app/cache/fresh.txt', content: Buffer.from('not so fresh\n'), mode: 0o600, uid: 999, gid: 999 },
  // The first name of a hard link pair deleted: the other keeps the bytes in every mode.
  { op: 'delete', path: '/opt/app/conf/data.bin' },
  { op: 'delete', path: '/etc/redis' },
  { op: 'rename', from: '/home/redis', to: '/home/valkey' },
  { op: 'rename', from: '/usr/local/bin/docker-entrypoint.sh', to: '/usr/local/bin/entry.sh' },
  { op: 'chmod', path: '/data', mode: 0o750 },
  { op: 'chown', path: '/data', uid: 1, gid: 2 },
  { op: 'symlink', path: '/opt/app/current', target: 'conf' },
  { op: 'mkdir', path: '/opt/app/new', mode: 0o711, uid: 5, gid: 6 },
  { op: 'write', path: '/opt/app/new/f.txt', content: Buffer.from('f\n'), mode: 0o644, uid: 5, gid: 6 },
  // setuid written by the engine's own tar writer.
  { op: 'write', path: '/usr/local/bin/suid-helper', content: Buffer.from('#!/bin/sh\necho helper\n'), mode: 0o4711, uid: 0, gid: 0 },
];

let docker: DockerCli;
let work: string;
let engine: EngineImage;
let draft: Draft;
let expected: FsListing;
let sourceDiffIds: string[];
const tags: string[] = [];

beforeAll(async () => {
  docker = dockerCli(inject('dockerHost'));
  work = await mkdtemp(path.join(tmpdir(), 'peel-engine-export-oracle-'));
  const tag = `peel-interop-engine-export/source:${RUN}`;
  await dockerLoadAs(docker, ARCHIVE, tag);
  tags.push(tag);
  // Which of Docker's init-layer folders the image itself has, per umoci (Docker cannot tell).
  const image = await umociListing(`docker-archive:${ARCHIVE}`, work);
  const source = await dockerExportListing(docker, tag, path.join(work, 'source-export.tar'), image);
  expected = applyEdits(source.listing, EDITS);

  engine = await openWithEngine(ARCHIVE, work);
  sourceDiffIds = engine.archive.image.layers.map((l) => l.diffId);
  const ops: DraftOp[] = [];
  for (const e of EDITS) {
    const rel = (p: string) => p.replace(/^\//, '');
    if (e.op === 'write') {
      const blob = engine.store.create();
      await blob.write(e.content);
      const { digest, size } = await blob.commit();
      ops.push({ op: 'write', path: rel(e.path), blob: digest, size, mode: e.mode, uid: e.uid, gid: e.gid });
    } else if (e.op === 'rename') ops.push({ op: 'rename', from: rel(e.from), to: rel(e.to) });
    else ops.push({ ...e, path: rel(e.path) });
  }
  draft = { ops, config: {}, tag: null };
});

afterAll(async () => {
  if (tags.length) await docker.run(['image', 'rm', ...tags]).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

describe.each(MODES)('exportImage, %s', (mode) => {
  it('loaded by Docker, exports the source as Docker exports it, with the edits', async () => {
    const tag = `peel-interop-engine-export/${mode}:${RUN}`;
    const result = await exportImage({ image: engine.archive.image, layers: engine.archive.image.layers.map((l) => engine.archive.layerScans.get(l.blob)!.entries) }, draft, { mode, store: engine.store, tag });
    if (mode === 'append') expect(result.layers.slice(0, -1).map((l) => l.diffId)).toEqual(sourceDiffIds);
    if (mode === 'flatten') expect(result.layers).toHaveLength(1);
    if (mode === 'rewrite') expect(result.layers.filter((l) => !l.reused).length).toBeGreaterThan(1);
    const file = path.join(work, `${mode}.tar`);
    const out = createWriteStream(file);
    await result.write({ write: async (c) => void (out.write(c) || (await once(out, 'drain'))) });
    out.end();
    await once(out, 'finish');

    await dockerLoadAs(docker, file, tag);
    tags.push(tag);
    const view = await dockerExportListing(docker, tag, path.join(work, `${mode}-export.tar`), expected);
    expect(compareListings(expected, view.listing, { oracle: 'docker export of the source + the edits', actual: `docker export of the ${mode} export`, typeOnly: view.typeOnly })).toEqual([]);
  });
});
