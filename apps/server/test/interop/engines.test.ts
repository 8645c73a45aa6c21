/**
 * Exports from Peel's API loaded by the engines besides Docker that people run images with:
 * podman (`podman load`, `podman run`, `podman export`) and containerd (`ctr images import`,
 * `ctr run`, `ctr images mount`), each a private instance started by its script. Each export
 * mode of an edited image must run there with the edit and hold exactly the edited filesystem.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { compareListings } from '../../../../packages/engine/test/interop/compare-listings.js';
import type { FsListing } from '../../../../packages/engine/test/interop/fs-listing.js';
import { build, FIXTURES, ingest, removeDir, tempDir } from '../helper.js';
import { downloadExport, editDraft, type Method } from './api.js';
import { unpackExport } from './export-archive.js';
import { startContainerd, startPodman, podmanListing, type CtrCli, type PodmanCli } from './engines.js';
import { peelListing, rootfsListing } from './fs-views.js';

const ALPYNE = await readFile(path.join(FIXTURES, 'tiny-alpyne-expected.txt'));
const CMD = ['/bin/sh', '-c', 'echo "peel cmd $((6*7))"; cat /etc/os-release'];
const MODES = ['append', 'flatten', 'rewrite'] as const;
const NAMESPACE = 'peel-interop';
const REPO = 'peel-interop-engines';

const CASES = [
  { fixture: 'tiny-docker-legacy', deletes: ['/etc/shells'] },
  // Several layers, a file only lower layers hold deleted (a purge), hard links, an opaque folder.
  { fixture: 'multi-oci', deletes: ['/opt/app/.env', '/var/lib/app/big.bin'] },
];

let app: FastifyInstance;
let dataDir: string;
let work: string;
let podman: PodmanCli;
let ctr: CtrCli;
const loaded: string[] = [];

beforeAll(async () => {
  [podman, ctr] = await Promise.all([startPodman(), startContainerd(NAMESPACE)]);
  dataDir = await tempDir('peel-engines-interop-');
  work = path.join(dataDir, 'work');
  await mkdir(work);
  app = await build(path.join(dataDir, 'data'));
});

afterAll(async () => {
  await app?.close();
  for (const tag of loaded) {
    await podman.run(['image', 'rm', '--force', `docker.io/${tag}`]).catch(() => undefined);
    await ctr.run(['images', 'rm', `docker.io/${tag}`]).catch(() => undefined);
  }
  await removeDir(dataDir);
});

/** A shell script that names every path given that still exists, then prints "checked". */
const ABSENT = 'for p in "$@"; do if [ -e "$p" ] || [ -L "$p" ]; then echo "still there: $p"; fi; done; echo checked';

describe.each(CASES)('export of $fixture', (c) => {
  let id: string;
  let expected: FsListing;

  beforeAll(async () => {
    id = await ingest(app, c.fixture);
    const edit = (method: Method, url: string, payload?: Buffer | object) => editDraft(app, id, method, url, payload);
    await edit('PUT', '/draft/content?path=/etc/os-release', ALPYNE);
    for (const p of c.deletes) await edit('DELETE', `/draft/content?path=${encodeURIComponent(p)}`);
    await edit('POST', '/draft/ops', { op: 'mkdir', path: '/srv/www', mode: 0o750, uid: 33, gid: 33 });
    await edit('PUT', '/draft/content?path=/srv/www/index.html', Buffer.from('<h1>peel</h1>\n'));
    await edit('PATCH', '/draft/config', { Cmd: CMD });
    expected = await peelListing(app, id, '&draft=1');
  });

  it.each(MODES)('%s: podman loads, runs and exports it; containerd imports, runs and mounts it', async (mode) => {
    const tag = `${REPO}/${c.fixture}-${mode}:latest`;
    const file = path.join(work, `${c.fixture}-${mode}.tar`);
    const dir = path.join(work, `${c.fixture}-${mode}`);
    await downloadExport(app, id, `mode=${mode}&tag=${encodeURIComponent(tag)}`, file);
    // What the archive says, read with GNU tar: the layers each engine must end up with.
    const image = await unpackExport(file, dir);
    loaded.push(tag);

    // podman
    expect(await podman.text(['load', '-i', file])).toContain(`Loaded image: docker.io/${tag}`);
    const podmanRun = (args: string[], entrypoint?: string) => podman.run(['run', '--rm', '--network', 'none', ...(entrypoint ? ['--entrypoint', entrypoint] : []), tag, ...args]);
    expect((await podmanRun(['cat', '/etc/os-release'])).toString()).toBe(ALPYNE.toString());
    expect((await podmanRun([])).toString()).toBe(`peel cmd 42\n${ALPYNE}`);
    expect((await podmanRun(['-c', ABSENT, 'sh', ...c.deletes], '/bin/sh')).toString()).toBe('checked\n');
    const inspected = JSON.parse(await podman.text(['image', 'inspect', tag])) as Array<{ Config: { Cmd: string[] }; RootFS: { Layers: string[] } }>;
    expect(inspected[0].Config.Cmd).toEqual(CMD);
    expect(inspected[0].RootFS.Layers).toEqual(image.config.rootfs.diff_ids);
    const asPodman = compareListings(await podmanListing(podman, tag, path.join(dir, 'podman-export.tar')), expected, { oracle: 'podman export', actual: "Peel's draft view" });
    expect(asPodman).toEqual([]);

    // containerd
    expect(await ctr.text(['images', 'import', file])).toContain(`unpacking docker.io/${tag}`);
    const ctrRun = async (args: string[]) => {
      const container = `peel-engines-${process.pid}-${c.fixture}-${mode}`;
      try {
        return await ctr.run(['run', '--rm', `docker.io/${tag}`, container, ...args]);
      } finally {
        await ctr.run(['containers', 'rm', container]).catch(() => undefined);
      }
    };
    expect((await ctrRun(['cat', '/etc/os-release'])).toString()).toBe(ALPYNE.toString());
    expect((await ctrRun([])).toString()).toBe(`peel cmd 42\n${ALPYNE}`);
    expect((await ctrRun(['/bin/sh', '-c', ABSENT, 'sh', ...c.deletes])).toString()).toBe('checked\n');
    // The image's layers as containerd's snapshotter stacked them, mounted read-only and walked.
    const mountpoint = path.join(dir, 'containerd-mount');
    await mkdir(mountpoint);
    await ctr.run(['images', 'mount', `docker.io/${tag}`, mountpoint]);
    try {
      const asContainerd = compareListings(await rootfsListing(mountpoint), expected, { oracle: 'ctr images mount', actual: "Peel's draft view" });
      expect(asContainerd).toEqual([]);
    } finally {
      await ctr.run(['images', 'unmount', '--rm', mountpoint]);
      await rm(mountpoint, { recursive: true, force: true });
    }
  });
});
