/**
 * The filesystem as of layer N (`GET /fs?asOf=N&paged=1`), checked against Docker: the image cut
 * after layer N (the same layer tars, the manifest and config listing only layers 0..N) is loaded
 * into a real engine and `docker export` of a created container is what Peel must list — folder
 * by folder, page by page, every layer of fixtures with whiteouts, opaque folders, hard links and
 * folders declared again by later layers.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { encodePathParam, type FsEntry, type FsPage } from '@peel/api';
import { dockerCli, run, type DockerCli } from '../../../../packages/engine/test/interop/exec.js';
import { compareListings } from '../../../../packages/engine/test/interop/compare-listings.js';
import { build, fixture, getJson, ingest, removeDir, tempDir } from '../helper.js';
import { dockerListing, listingOfEntries, peelListing, RUNTIME_ENTRIES, without } from './fs-views.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
  }
}

interface LegacyManifest {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

interface ImageConfig {
  config?: { Volumes?: unknown; WorkingDir?: string };
  rootfs: { type: string; diff_ids: string[] };
  history?: Array<{ empty_layer?: boolean }>;
}

let app: FastifyInstance;
let dataDir: string;
let docker: DockerCli;
const loaded: string[] = [];

beforeAll(async () => {
  docker = dockerCli(inject('dockerHost'));
  dataDir = await tempDir('peel-as-of-interop-');
  app = await build(path.join(dataDir, 'data'));
});

afterAll(async () => {
  await app?.close();
  if (loaded.length) await docker.run(['image', 'rm', '--force', ...loaded]).catch(() => undefined);
  await removeDir(dataDir);
});

/**
 * A `docker save` archive of the image's first n+1 layers, tagged `tag`: the fixture unpacked by
 * GNU tar, its manifest and config cut after layer n (history up to the step that made it, no
 * volumes or working directory, which `docker create` would add as folders).
 */
async function cutAfter(source: string, n: number, tag: string, work: string): Promise<string> {
  const dir = path.join(work, `cut-${n}`);
  await mkdir(dir, { recursive: true });
  await run('tar', ['-xf', source, '-C', dir]);
  const [manifest] = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as LegacyManifest[];
  const config = JSON.parse(await readFile(path.join(dir, manifest.Config), 'utf8')) as ImageConfig;
  config.rootfs.diff_ids = config.rootfs.diff_ids.slice(0, n + 1);
  // A container makes its volumes' and working directory's folders: not the layers' files.
  if (config.config) {
    delete config.config.Volumes;
    delete config.config.WorkingDir;
  }
  if (config.history) {
    let layers = 0;
    const keep = config.history.findIndex((h) => !h.empty_layer && layers++ === n);
    config.history = config.history.slice(0, keep + 1);
  }
  const configBytes = Buffer.from(JSON.stringify(config));
  const configName = `${createHash('sha256').update(configBytes).digest('hex')}.json`;
  await writeFile(path.join(dir, configName), configBytes);
  const layers = manifest.Layers.slice(0, n + 1);
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: layers }]));
  const out = path.join(work, `cut-${n}.tar`);
  const layerDirs = [...new Set(layers.map((l) => l.split('/')[0]))];
  await run('tar', ['-cf', out, '-C', dir, 'manifest.json', configName, ...layerDirs]);
  return out;
}

/** Every entry of a filesystem (`&asOf=N`: as of layer N), walked folder by folder through the paged API. */
async function pagedEntries(id: string, query: string): Promise<FsEntry[]> {
  const entries: FsEntry[] = [];
  const dirs = ['/'];
  while (dirs.length) {
    const dir = dirs.pop()!;
    let cursor: string | null = null;
    do {
      const page: FsPage = await getJson<FsPage>(app, `/api/images/${id}/fs?path=${encodePathParam(dir)}${query}&paged=1&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      for (const e of page.items) {
        entries.push(e);
        if (e.type === 'dir') dirs.push(e.path);
      }
      cursor = page.next;
    } while (cursor !== null);
  }
  return entries;
}

describe.each(['multi-docker-legacy', 'tiny-docker-legacy'])('the filesystem of %s as of each layer', (name) => {
  let id: string;
  let layerCount: number;
  let work: string;
  beforeAll(async () => {
    id = await ingest(app, name);
    layerCount = (await getJson<{ layers: unknown[] }>(app, `/api/images/${id}`)).layers.length;
    work = path.join(dataDir, name);
    await mkdir(work, { recursive: true });
  });

  it('equals docker export of the image cut after that layer', async () => {
    expect(layerCount).toBeGreaterThan(0);
    for (let n = 0; n < layerCount; n++) {
      const tag = `peel-tree-asof/${name}:${n}`;
      const archive = await cutAfter(fixture(name), n, tag, work);
      expect(await docker.text(['load', '-i', archive])).toContain(`Loaded image: ${tag}`);
      loaded.push(tag);
      const entries = await pagedEntries(id, `&asOf=${n}`);
      const peel = listingOfEntries(entries);
      const dockerView = await dockerListing(docker, tag, path.join(work, `export-${n}.tar`), peel);
      const problems = compareListings(dockerView.listing, without(peel, RUNTIME_ENTRIES), { oracle: `docker export (layers 0..${n})`, actual: `Peel as of layer ${n}`, typeOnly: dockerView.typeOnly });
      expect(problems, `as of layer ${n}`).toEqual([]);
      // Each entry names a layer at or below n; what layer n wrote is marked with n.
      expect(entries.every((e) => e.layer <= n), `layers as of ${n}`).toBe(true);
    }
    // The last layer's view is the merged filesystem.
    const last = listingOfEntries(await pagedEntries(id, `&asOf=${layerCount - 1}`));
    expect(compareListings(await peelListing(app, id), last, { oracle: 'the merged view', actual: 'the view as of the last layer' })).toEqual([]);
  });

  it("a folder's bytes below it are the sizes of the files docker export has under it", async () => {
    // The whole image under a tag of this suite's own (loading the fixture itself would tag it with the fixture's name).
    const tag = `peel-tree-asof/${name}:whole`;
    const archive = await cutAfter(fixture(name), layerCount - 1, tag, work);
    expect(await docker.text(['load', '-i', archive])).toContain(`Loaded image: ${tag}`);
    loaded.push(tag);
    const entries = await pagedEntries(id, '');
    const dockerView = await dockerListing(docker, tag, path.join(work, 'export-whole.tar'), listingOfEntries(entries));
    const files = [...dockerView.listing.values()].filter((r) => r.type === 'file');
    const folders = entries.filter((e) => e.type === 'dir');
    expect(folders.length).toBeGreaterThan(3);
    for (const folder of folders) {
      // Folders Docker fills at run time (/etc: hosts, resolv.conf…) hold files the image does not.
      if (RUNTIME_ENTRIES.some((p) => p.startsWith(`${folder.path.slice(1)}/`))) continue;
      const prefix = `${folder.path.slice(1)}/`;
      const expected = files.filter((r) => r.path.startsWith(prefix)).reduce((sum, r) => sum + (r.size ?? 0), 0);
      expect(folder.bytesBelow, folder.path).toBe(expected);
    }
  });
});
