/**
 * Exports from Peel's API loaded by the engines besides Docker that people run images with:
 * podman (`podman load`, `podman run`, `podman export`) and containerd (`ctr images import`,
 * `ctr run`, `ctr images mount`), each a private instance started by its script. Each export
 * mode of an edited image must run there with the edit and hold exactly the edited filesystem:
 * the SOURCE image as umoci unpacks it, with the test's edits applied by edit-model.ts (never
 * Peel's own view of the draft, which shares the exporter's reading of the layers).
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { compareListings } from '../../../../packages/engine/test/interop/compare-listings.js';
import type { FsListing } from '../../../../packages/engine/test/interop/fs-listing.js';
import { umociListing } from '../../../../packages/engine/test/interop/umoci-view.js';
import { build, fixture, FIXTURES, ingest, removeDir, tempDir } from '../helper.js';
import { downloadExport, editDraft } from './api.js';
import { applyEdits, sendEdits, type Edit } from './edit-model.js';
import { unpackExport } from './export-archive.js';
import { podmanListing, runWhole, startContainerd, startPodman, type CtrCli, type PodmanCli } from './engines.js';
import { rootfsListing } from './fs-views.js';

const ALPYNE = await readFile(path.join(FIXTURES, 'tiny-alpyne-expected.txt'));
const CMD = ['/bin/sh', '-c', 'echo "peel cmd $((6*7))"; cat /etc/os-release'];
const MODES = ['append', 'flatten', 'rewrite'] as const;
const NAMESPACE = 'peel-interop';
const REPO = 'peel-interop-engines';

/**
 * `purges`: files a lower layer holds and a higher one already deletes, deleted again so the
 * export drops their bytes; the filesystem the engines see stays as it was.
 */
const CASES = [
  { fixture: 'tiny-docker-legacy', archive: 'docker-archive', deletes: ['/etc/shells'], purges: [] },
  // Several layers, a purge, a file two layers hold deleted, hard links, an opaque folder.
  { fixture: 'multi-oci', archive: 'oci-archive', deletes: ['/var/lib/app/big.bin'], purges: ['/opt/app/.env'] },
];

/** The filesystem edits of each case: the file the engines cat, the deletes, a new folder and file. */
const editsOf = (deletes: readonly string[]): Edit[] => [
  { op: 'write', path: '/etc/os-release', content: ALPYNE, mode: 0o644, uid: 0, gid: 0 },
  ...deletes.map((p): Edit => ({ op: 'delete', path: p })),
  { op: 'mkdir', path: '/srv/www', mode: 0o750, uid: 33, gid: 33 },
  { op: 'write', path: '/srv/www/index.html', content: Buffer.from('<h1>peel</h1>\n'), mode: 0o644, uid: 0, gid: 0 },
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
  /** umoci's unpack of the source with the edits applied. */
  let expected: FsListing;

  beforeAll(async () => {
    const edits = editsOf(c.deletes);
    expected = applyEdits(await umociListing(`${c.archive}:${fixture(c.fixture)}`, work), edits);
    id = await ingest(app, c.fixture);
    await sendEdits(app, id, edits);
    for (const p of c.purges) await editDraft(app, id, 'DELETE', `/draft/content?path=${encodeURIComponent(p)}`);
    await editDraft(app, id, 'PATCH', '/draft/config', { Cmd: CMD });
  });

  it.each(MODES)('%s: podman loads, runs and exports it; containerd imports, runs and mounts it', async (mode) => {
    const gone = [...c.deletes, ...c.purges];
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
    expect((await podmanRun(['-c', ABSENT, 'sh', ...gone], '/bin/sh')).toString()).toBe('checked\n');
    const inspected = JSON.parse(await podman.text(['image', 'inspect', tag])) as Array<{ Config: { Cmd: string[] }; RootFS: { Layers: string[] } }>;
    expect(inspected[0].Config.Cmd).toEqual(CMD);
    expect(inspected[0].RootFS.Layers).toEqual(image.config.rootfs.diff_ids);
    const oracle = 'umoci of the source + the edits';
    const asPodman = compareListings(expected, await podmanListing(podman, tag, path.join(dir, 'podman-export.tar')), { oracle, actual: `podman export of the ${mode} export` });
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
    const ctrOutput = (args: string[], expected: string) => runWhole(() => ctrRun(args), expected);
    expect(await ctrOutput(['cat', '/etc/os-release'], ALPYNE.toString())).toBe(ALPYNE.toString());
    expect(await ctrOutput([], `peel cmd 42\n${ALPYNE}`)).toBe(`peel cmd 42\n${ALPYNE}`);
    expect(await ctrOutput(['/bin/sh', '-c', ABSENT, 'sh', ...gone], 'checked\n')).toBe('checked\n');
    // The image's layers as containerd's snapshotter stacked them, mounted read-only and walked.
    const mountpoint = path.join(dir, 'containerd-mount');
    await mkdir(mountpoint);
    await ctr.run(['images', 'mount', `docker.io/${tag}`, mountpoint]);
    try {
      const asContainerd = compareListings(expected, await rootfsListing(mountpoint), { oracle, actual: `ctr images mount of the ${mode} export` });
      expect(asContainerd).toEqual([]);
    } finally {
      await ctr.run(['images', 'unmount', '--rm', mountpoint]);
      await rm(mountpoint, { recursive: true, force: true });
    }
  });
});
