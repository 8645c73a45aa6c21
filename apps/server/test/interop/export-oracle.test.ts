/**
 * Exports checked against an expected value Peel did not compute. export.test.ts (beside this)
 * compares the loaded export with Peel's own draft view; here the expected filesystem is the
 * SOURCE image as an independent tool lists it — `docker export` of the loaded fixture, or
 * umoci's unpack where Docker 20.10 cannot load it — with the edits applied to that listing by
 * the test (edit-model.ts). Each export (append, flatten, rewrite) is then loaded by Docker
 * (`docker export`, content digests from GNU tar) and unpacked by umoci, and both must equal it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { dockerCli, type DockerCli } from '../../../../packages/engine/test/interop/exec.js';
import { compareListings } from '../../../../packages/engine/test/interop/compare-listings.js';
import type { FsListing } from '../../../../packages/engine/test/interop/fs-listing.js';
import { umociListing } from '../../../../packages/engine/test/interop/umoci-view.js';
import { build, fixture, FIXTURES, ingest, removeDir, tempDir } from '../helper.js';
import { dockerListing, INIT_LAYER_DIRS, RUNTIME_ENTRIES, without } from './fs-views.js';
import { downloadExport } from './api.js';
import { applyEdits, dockerLoadAs, sendEdits, type Edit } from './edit-model.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
  }
}

const MODES = ['append', 'flatten', 'rewrite'] as const;
const RUN = `${process.pid}-${Date.now()}`;
const ALPYNE = await readFile(path.join(FIXTURES, 'tiny-alpyne-expected.txt'));

const EDITS: Edit[] = [
  { op: 'write', path: '/etc/os-release', content: ALPYNE, mode: 0o644, uid: 0, gid: 0 },
  // Not /etc/hostname: Docker mounts its own there in every container.
  { op: 'delete', path: '/etc/shells' },
  { op: 'mkdir', path: '/srv/www', mode: 0o750, uid: 33, gid: 33 },
  { op: 'symlink', path: '/srv/www/os-release', target: '../../etc/os-release' },
  { op: 'write', path: '/srv/www/index.html', content: Buffer.from('<h1>peel</h1>\n'), mode: 0o604, uid: 33, gid: 34 },
  { op: 'chmod', path: '/etc/passwd', mode: 0o600 },
  { op: 'chown', path: '/etc/group', uid: 12, gid: 34 },
  // A folder with a private mode moved into another.
  { op: 'rename', from: '/root', to: '/home/root' },
  // 2 MiB in layer 8, replaced by 64 KiB in layer 9: both layers hold it.
  { op: 'delete', path: '/var/lib/app/big.bin' },
  { op: 'rename', from: '/opt/app/conf/with space.conf', to: '/etc/moved.conf' },
  { op: 'chown', path: '/etc/redis/redis.conf', uid: 0, gid: 0 },
  { op: 'chmod', path: '/usr/local/bin/suid-helper', mode: 0o755 },
  // A folder deleted and made again (an opaque folder in the append layer).
  { op: 'delete', path: '/opt/app/cache' },
  { op: 'mkdir', path: '/opt/app/cache', mode: 0o700, uid: 999, gid: 999 },
  { op: 'write', path: '/opt/app/cache/new.txt', content: Buffer.from('new\n'), mode: 0o644, uid: 999, gid: 999 },
  // A folder moved (its hard link pair with it), then edited inside.
  { op: 'rename', from: '/opt/app/conf', to: '/srv/conf' },
  { op: 'delete', path: '/srv/conf/keep.conf' },
  { op: 'write', path: '/srv/conf/added.txt', content: Buffer.from('added\n'), mode: 0o640, uid: 0, gid: 999 },
  // A file rewritten in place with other attributes.
  { op: 'write', path: '/etc/redis/redis.conf', content: Buffer.from('port 6380\n'), mode: 0o600, uid: 999, gid: 999 },
];

interface Case {
  fixture: string;
  /** The source's oracle: Docker when 20.10 loads the archive, else umoci. */
  oracle: 'docker export' | 'umoci';
}

const CASES: Case[] = [
  { fixture: 'multi-docker-legacy', oracle: 'docker export' },
  // OCI with zstd layers: Docker 20.10 cannot load it, umoci can (through skopeo's gzip copy).
  { fixture: 'multi-oci-zstd', oracle: 'umoci' },
];

let app: FastifyInstance;
let dataDir: string;
let docker: DockerCli;
const tags: string[] = [];

beforeAll(async () => {
  docker = dockerCli(inject('dockerHost'));
  dataDir = await tempDir('peel-export-oracle-');
  app = await build(path.join(dataDir, 'data'));
});

afterAll(async () => {
  await app?.close();
  if (tags.length) await docker.run(['image', 'rm', ...tags]).catch(() => undefined);
  await removeDir(dataDir);
});

/** The init layer's folders the image has: Docker shows its own attributes there (fs-views.ts). */
const initDirsIn = (listing: FsListing) => new Set(INIT_LAYER_DIRS.filter((d) => listing.has(d)));

describe.each(CASES)('$fixture exports against $oracle of the source plus the edits', (c) => {
  let id: string;
  /** The whole edited filesystem, runtime entries included when the oracle knows them (umoci). */
  let expected: FsListing;
  /** Directories whose attributes in `expected` are Docker's init layer's, not the image's. */
  let initDirs: Set<string>;

  beforeAll(async () => {
    let source: FsListing;
    if (c.oracle === 'docker export') {
      const tag = `peel-interop-oracle/${c.fixture}-source:${RUN}`;
      await dockerLoadAs(docker, fixture(c.fixture), tag);
      tags.push(tag);
      // Which of Docker's init-layer folders the image itself has, per umoci (Docker cannot tell).
      const image = await umociListing(`docker-archive:${fixture(c.fixture)}`, dataDir);
      const view = await dockerListing(docker, tag, path.join(dataDir, `${c.fixture}-source-export.tar`), image);
      source = view.listing;
      initDirs = view.typeOnly;
    } else {
      source = await umociListing(`oci-archive:${fixture(c.fixture)}`, dataDir);
      initDirs = new Set();
    }
    expected = applyEdits(source, EDITS);
    id = await ingest(app, c.fixture);
    await sendEdits(app, id, EDITS);
  });

  it.each(MODES)('%s: docker export and umoci unpack of the export equal the expected filesystem', async (mode) => {
    const tag = `peel-interop-oracle/${c.fixture}-${mode}:${RUN}`;
    const file = path.join(dataDir, `${c.fixture}-${mode}.tar`);
    await downloadExport(app, id, `mode=${mode}&tag=${encodeURIComponent(tag)}`, file);
    await dockerLoadAs(docker, file, tag);
    tags.push(tag);
    const dockerView = await dockerListing(docker, tag, path.join(dataDir, `${c.fixture}-${mode}-export.tar`), expected);
    const typeOnly = new Set([...dockerView.typeOnly, ...initDirs]);
    const oracle = `${c.oracle} of the source + the edits`;
    expect(compareListings(without(expected, RUNTIME_ENTRIES), dockerView.listing, { oracle, actual: `docker export of the ${mode} export`, typeOnly })).toEqual([]);

    const unpacked = await umociListing(`oci-archive:${file}`, dataDir);
    // Against Docker's source view, what Docker's runtime hides is unknown: compare the rest.
    const known = c.oracle === 'umoci' ? { want: expected, got: unpacked } : { want: without(expected, RUNTIME_ENTRIES), got: without(unpacked, RUNTIME_ENTRIES) };
    expect(compareListings(known.want, known.got, { oracle, actual: `umoci's unpack of the ${mode} export`, typeOnly: c.oracle === 'umoci' ? undefined : initDirsIn(known.want) })).toEqual([]);
  });
});
