/**
 * Exports from Peel's API, checked by the tools people load them with: a real Docker engine
 * (load, run, history, inspect), skopeo (inspect, copy to oci: and docker-archive:) and umoci
 * (unpack), and by GNU tar + zlib for the bytes of every layer. Then the export goes back into
 * Peel, which must show exactly the edited filesystem.
 */
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { DraftState, FsEntry, ImageDetail } from '@peel/api';
import { dockerCli, type DockerCli } from '../../../../packages/engine/test/interop/exec.js';
import { build, FIXTURES, getJson, ingest, removeDir, tempDir, upload } from '../helper.js';
import { linksAsFiles, walkFs } from '../fs-walk.js';
import { layersContaining, unpackExport } from './export-archive.js';
import { skopeoCopies, skopeoInspect, umociUnpack } from './tools.js';
import { dockerListing, peelListing, rootfsListing, RUNTIME_ENTRIES, without } from './fs-views.js';
import { layerRuleViolations } from './layer-rules.js';
import { compareListings } from '../../../../packages/engine/test/interop/compare-listings.js';
import type { FsListing } from '../../../../packages/engine/test/interop/fs-listing.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
  }
}

const ALPYNE = await readFile(path.join(FIXTURES, 'tiny-alpyne-expected.txt'));
const SECRET = Buffer.from('sk_test_FIXTURE_0123456789abcdef');
const CMD = ['/bin/sh', '-c', 'echo "peel cmd $((6*7))"; cat /etc/os-release'];
const MODES = ['append', 'flatten', 'rewrite'] as const;

type Edit = ['PUT' | 'POST' | 'PATCH' | 'DELETE', string, (string | Buffer | object)?];

interface Case {
  fixture: string;
  /** Paths the draft deletes (on multi, /opt/app/.env only lower layers hold: a purge). */
  deletes: string[];
  /** More edits: folders, links, moves, modes, owners, a folder replaced. */
  edits: Edit[];
  secret: boolean;
  /** Source layers are zstd: an append re-encodes them (same diff_ids, new digests). */
  zstd?: boolean;
}

const COMMON: Edit[] = [
  ['POST', '/draft/ops', { op: 'mkdir', path: '/srv/www', mode: 0o750, uid: 33, gid: 33 }],
  ['POST', '/draft/ops', { op: 'symlink', path: '/srv/www/os-release', target: '../../etc/os-release' }],
  ['POST', '/draft/ops', { op: 'chmod', path: '/etc/passwd', mode: 0o600 }],
];
const MULTI_DELETES = ['/opt/app/.env', '/var/lib/app/big.bin'];
const MULTI_EDITS: Edit[] = [
  ...COMMON,
  ['POST', '/draft/ops', { op: 'rename', from: '/opt/app/conf/with space.conf', to: '/etc/moved.conf' }],
  ['POST', '/draft/ops', { op: 'chown', path: '/etc/redis/redis.conf', uid: 0, gid: 0 }],
  // A folder deleted and made again: an opaque marker in the append layer.
  ['DELETE', '/draft/content?path=/opt/app/cache'],
  ['POST', '/draft/ops', { op: 'mkdir', path: '/opt/app/cache' }],
  ['PUT', '/draft/content?path=/opt/app/cache/new.txt', Buffer.from('new\n')],
  // A folder moved (one change: the export writes all it holds, its hard link too), then edited inside.
  ['POST', '/draft/ops', { op: 'rename', from: '/opt/app/conf', to: '/srv/conf' }],
  ['DELETE', '/draft/content?path=/srv/conf/keep.conf'],
  ['PUT', '/draft/content?path=/srv/conf/added.txt', Buffer.from('added\n')],
];
const CASES: Case[] = [
  // Not /etc/hostname: Docker mounts its own there in every container.
  { fixture: 'tiny-docker-legacy', deletes: ['/etc/shells'], edits: COMMON, secret: false },
  { fixture: 'tiny-containerd-export', deletes: ['/etc/shells'], edits: COMMON, secret: false },
  { fixture: 'multi-docker-legacy', deletes: MULTI_DELETES, edits: MULTI_EDITS, secret: true },
  { fixture: 'multi-oci', deletes: MULTI_DELETES, edits: MULTI_EDITS, secret: true },
  { fixture: 'multi-podman-oci', deletes: MULTI_DELETES, edits: MULTI_EDITS, secret: true },
  { fixture: 'multi-oci-zstd', deletes: MULTI_DELETES, edits: MULTI_EDITS, secret: true, zstd: true },
];

let app: FastifyInstance;
let dataDir: string;
let work: string;
let docker: DockerCli;
const loaded: string[] = [];

beforeAll(async () => {
  docker = dockerCli(inject('dockerHost'));
  dataDir = await tempDir('peel-export-interop-');
  work = path.join(dataDir, 'work');
  await mkdir(work);
  app = await build(path.join(dataDir, 'data'));
});

afterAll(async () => {
  await app?.close();
  if (loaded.length) await docker.run(['image', 'rm', '--force', ...loaded]).catch(() => undefined);
  await removeDir(dataDir);
});

/** Downloads an export through the API into a file. */
async function download(id: string, query: string, file: string): Promise<void> {
  const res = await app.inject(`/api/images/${id}/export?${query}`);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
  await writeFile(file, res.rawPayload);
}

async function dockerLoad(file: string, tag: string): Promise<void> {
  const out = await docker.text(['load', '-i', file]);
  expect(out).toContain(`Loaded image: ${tag}`);
  loaded.push(tag);
}

const runIn = (tag: string, args: string[], entrypoint?: string) =>
  docker.run(['run', '--rm', '--network', 'none', ...(entrypoint ? ['--entrypoint', entrypoint] : []), tag, ...args]);

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(() => true, () => false);
}

/** Whether layer `n` of an image has an entry (or a whiteout) for any of `paths`. */
async function layerHolds(id: string, n: number, paths: string[]): Promise<boolean> {
  for (const p of paths) {
    const parent = p.slice(0, p.lastIndexOf('/')) || '/';
    const res = await app.inject(`/api/images/${id}/fs?path=${encodeURIComponent(parent)}&layer=${n}`);
    if (res.statusCode === 200 && (res.json() as FsEntry[]).some((e) => e.path === p)) return true;
  }
  return false;
}

describe.each(CASES)('export of $fixture', (c) => {
  let id: string;
  let original: ImageDetail;
  let expected: string[];
  let expectedListing: FsListing;
  /** Paths rewrite strips from every layer: deleted ones (with their trees) and replaced files. */
  let stripped: string[];
  const unedited = () => path.join(work, `${c.fixture}-unedited.tar`);

  beforeAll(async () => {
    id = await ingest(app, c.fixture);
    original = await getJson<ImageDetail>(app, `/api/images/${id}`);
    // Before any edit: the append export of the image as it is.
    await download(id, `mode=append&tag=peel-interop-export/${c.fixture}-unedited:latest`, unedited());

    const edit = async (method: 'PUT' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: string | Buffer | object) => {
      const res = await app.inject({ method, url: `/api/images/${id}${url}`, payload, headers: Buffer.isBuffer(payload) ? { 'content-type': 'application/octet-stream' } : undefined });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(200);
    };
    await edit('PUT', '/draft/content?path=/etc/os-release', ALPYNE);
    for (const p of c.deletes) await edit('DELETE', `/draft/content?path=${encodeURIComponent(p)}`);
    for (const [method, url, payload] of c.edits) await edit(method, url, payload);
    await edit('PATCH', '/draft/config', { Cmd: CMD });
    expected = await walkFs(app, id, '&draft=1');
    expectedListing = await peelListing(app, id, '&draft=1');
    const state = await getJson<DraftState>(app, `/api/images/${id}/draft`);
    stripped = state.changes.filter((ch) => ch.kind === 'deleted' || ch.replacesTree || (ch.kind === 'modified' && ch.type !== 'dir')).map((ch) => ch.path);
  });

  it('append of the unedited image keeps every original layer (digests, or diff_ids for zstd re-encoded to gzip)', async () => {
    const image = await unpackExport(unedited(), path.join(work, `${c.fixture}-unedited`));
    const tag = `peel-interop-export/${c.fixture}-unedited:latest`;
    if (c.zstd) {
      expect(image.manifest.layers.every((l) => l.mediaType.endsWith('+gzip'))).toBe(true);
    } else {
      expect(image.manifest.layers.map((l) => l.digest)).toEqual(original.layers.map((l) => l.digest));
      expect(image.manifest.config.digest).toBe(original.configDigest);
    }
    expect(image.config.rootfs.diff_ids).toEqual(original.layers.map((l) => l.diffId));
    await dockerLoad(unedited(), tag);
    const inspect = JSON.parse(await docker.text(['image', 'inspect', tag])) as Array<{ Id: string; RootFS: { Layers: string[] } }>;
    expect(inspect[0].RootFS.Layers).toEqual(original.layers.map((l) => l.diffId));
    if (!c.zstd) expect(inspect[0].Id).toBe(original.configDigest);
  });

  it.each(MODES)('%s: docker runs the edit, skopeo and umoci read it, Peel reads back the edited filesystem', async (mode) => {
    const tag = `peel-interop-export/${c.fixture}-${mode}:latest`;
    const file = path.join(work, `${c.fixture}-${mode}.tar`);
    const dir = path.join(work, `${c.fixture}-${mode}`);
    await download(id, `mode=${mode}&tag=${encodeURIComponent(tag)}`, file);
    const image = await unpackExport(file, dir);
    expect(image.manifestJson[0].RepoTags).toEqual([`docker.io/${tag}`]);
    expect(image.manifest.layers.every((l) => !l.mediaType.includes('zstd'))).toBe(true);

    // Docker: load, run the file, the new Cmd, the deletions, history, inspect.
    await dockerLoad(file, tag);
    expect((await runIn(tag, ['cat', '/etc/os-release'])).equals(ALPYNE)).toBe(true);
    expect((await runIn(tag, [])).equals(Buffer.concat([Buffer.from('peel cmd 42\n'), ALPYNE]))).toBe(true);
    const script = 'for p in "$@"; do if [ -e "$p" ] || [ -L "$p" ]; then echo "still there: $p"; fi; done; echo checked';
    expect((await runIn(tag, ['-c', script, 'sh', ...c.deletes], '/bin/sh')).toString()).toBe('checked\n');
    const history = (await docker.text(['history', '--no-trunc', '--format', '{{.CreatedBy}}', tag])).replace(/\n$/, '').split('\n').reverse();
    expect(history).toEqual(image.config.history.map((h) => h.created_by ?? ''));
    if (mode === 'flatten') {
      expect(history).toHaveLength(1);
      expect(history[0]).toMatch(/flatten/);
    } else {
      expect(history.slice(0, -1)).toEqual(original.history.map((h) => h.createdBy ?? ''));
      expect(history.at(-1)).toMatch(/peel/i);
    }
    const inspect = JSON.parse(await docker.text(['image', 'inspect', tag])) as Array<{ Config: { Cmd: string[] }; RootFS: { Layers: string[] } }>;
    expect(inspect[0].Config.Cmd).toEqual(CMD);
    expect(inspect[0].RootFS.Layers).toEqual(image.config.rootfs.diff_ids);
    // The whole filesystem Docker builds from the layers is the draft's, entry for entry.
    const dockerView = await dockerListing(docker, tag, path.join(dir, 'docker-export.tar'), expectedListing);
    const asDocker = compareListings(dockerView.listing, without(expectedListing, RUNTIME_ENTRIES), { oracle: 'docker export', actual: "Peel's draft view", typeOnly: dockerView.typeOnly });
    expect(asDocker).toEqual([]);
    expect(await layerRuleViolations(image)).toEqual([]);

    // The secret's bytes: still in a lower layer after append; in no layer after rewrite or flatten.
    if (c.secret) {
      const hits = await layersContaining(image, SECRET);
      if (mode === 'append') expect(hits.length).toBeGreaterThan(0);
      else expect(hits, `layers of the ${mode} export holding the secret`).toEqual([]);
    }
    if (mode === 'rewrite') {
      // A layer holding none of the deleted or replaced paths keeps its digest; the others are rewritten.
      const touched = await Promise.all(original.layers.map((l) => layerHolds(id, l.index, stripped)));
      expect(touched.some(Boolean)).toBe(true);
      original.layers.forEach((l, i) => {
        const kept = image.manifest.layers[i].digest === l.digest;
        expect(kept, `layer ${i} (${touched[i] ? 'holds' : 'does not hold'} an edited path) kept its digest`).toBe(!touched[i] && !c.zstd);
      });
    }

    // skopeo: inspect the archive, copy it to an OCI layout and a docker-archive.
    const inspected = await skopeoInspect(`oci-archive:${file}`);
    expect(inspected.Digest).toBe(image.manifestDigest);
    expect(inspected.Layers).toEqual(image.manifest.layers.map((l) => l.digest));
    const copies = await skopeoCopies(file, dir);
    // skopeo compresses uncompressed layers for an oci: copy; gzip ones go across as they are.
    expect(copies.oci.Layers).toHaveLength(inspected.Layers.length);
    image.manifest.layers.forEach((l, i) => {
      if (l.mediaType.endsWith('+gzip')) expect(copies.oci.Layers[i]).toBe(l.digest);
    });
    expect(copies.dockerArchive.Layers).toHaveLength(inspected.Layers.length);

    // umoci: unpack the layout's `latest` ref into a bundle.
    const rootfs = await umociUnpack(image.dir, dir);
    expect((await readFile(path.join(rootfs, 'etc/os-release'))).equals(ALPYNE)).toBe(true);
    for (const p of c.deletes) expect(await exists(path.join(rootfs, p)), `${p} in umoci's rootfs`).toBe(false);
    expect(compareListings(await rootfsListing(rootfs), expectedListing, { oracle: 'umoci unpack', actual: "Peel's draft view" })).toEqual([]);

    // Peel: the export, uploaded again, is exactly the edited filesystem.
    const res = await upload(app, file);
    expect(res.statusCode, res.body).toBe(201);
    // Flatten links files that share bytes (a moved hard link with its target); the draft view
    // shows a moved hard link as the file it is: compare those by content.
    const fold = (lines: string[]) => (mode === 'flatten' ? linksAsFiles(lines) : lines);
    expect(fold(await walkFs(app, (res.json() as { id: string }).id))).toEqual(fold(expected));
  });
});

