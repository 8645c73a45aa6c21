/**
 * Docker's view of the image's merged filesystem: `docker export` of a created (never started)
 * container, listed with GNU tar, less what `docker create` adds. Docker's init layer (moby
 * daemon/initlayer) sits between the image and the container's layer and always creates the
 * entries below, so they appear in every export whatever the image holds.
 */
import type { DockerCli } from './exec.js';
import type { InteropImage } from './image-fixture.js';
import { listTar, tarFileDigests, type TarRecord } from './gnu-tar.js';
import { listingFromTar, type FsListing } from './fs-listing.js';

/** Created by the init layer for the runtime; each hides whatever the image has at that path. */
const RUNTIME_ENTRIES: Record<string, string> = {
  '.dockerenv': 'marker file telling programs they run in Docker',
  'dev/console': 'bind-mount target for the container console',
  'dev/pts': 'mount point of the devpts filesystem',
  'dev/shm': 'mount point of the container shm tmpfs',
  'etc/hosts': 'bind-mount target, written by Docker at start (an empty 0755 file in the export)',
  'etc/hostname': 'bind-mount target, written by Docker at start (an empty 0755 file in the export)',
  'etc/resolv.conf': 'bind-mount target, written by Docker at start (an empty 0755 file in the export)',
  'etc/mtab': 'symlink to /proc/mounts',
};

/**
 * Parent and mount-point directories the init layer creates (0755 root). If the image lacks
 * them they are Docker's alone; if the image has them, overlayfs shows the attributes of the
 * topmost copy, which is the init layer's, so only their type says something about the image.
 */
export const INIT_LAYER_DIRS = ['dev', 'proc', 'sys', 'etc'];

/** The paths of RUNTIME_ENTRIES. */
export const RUNTIME_PATHS = Object.keys(RUNTIME_ENTRIES);

export interface DockerOracle {
  /** The image's merged filesystem according to Docker. */
  listing: FsListing;
  /** Image directories whose attributes come from the init layer: compare their type only. */
  initLayerDirs: Set<string>;
  /** The export as listed, runtime entries included. */
  exportRecords: TarRecord[];
  /** Each layer tar of the saved image, base first, as listed by GNU tar. */
  layers: TarRecord[][];
}

export async function readDockerOracle(image: InteropImage): Promise<DockerOracle> {
  const [exportRecords, digests, layers] = await Promise.all([
    listTar(image.exportTar),
    tarFileDigests(image.exportTar),
    Promise.all(image.layerTars.map((file) => listTar(file))),
  ]);
  const listing = listingFromTar(exportRecords, digests);
  const imagePaths = pathsInLayers(layers);
  for (const path of Object.keys(RUNTIME_ENTRIES)) {
    if (imagePaths.has(path)) {
      throw new Error(`the test image has ${path}, which Docker's init layer hides (${RUNTIME_ENTRIES[path]}): Docker's view cannot check it, change the recipe`);
    }
    listing.delete(path);
  }
  const initLayerDirs = new Set<string>();
  for (const dir of INIT_LAYER_DIRS) {
    if (imagePaths.has(dir)) initLayerDirs.add(dir);
    else listing.delete(dir);
  }
  return { listing, initLayerDirs, exportRecords, layers };
}

/** Every path any layer mentions (whiteout markers as written), with all their parents. */
function pathsInLayers(layers: TarRecord[][]): Set<string> {
  const paths = new Set<string>();
  for (const records of layers) {
    for (const { path } of records) {
      const parts = path.split('/');
      for (let i = 1; i <= parts.length; i++) paths.add(parts.slice(0, i).join('/'));
    }
  }
  return paths;
}

/**
 * Docker's view of any image it holds (`ref`): `docker export` of a created container into
 * `file`, listed by GNU tar, runtime entries left out. Of the init layer's folders, those the
 * image has (per `image`, a listing from another oracle) are compared by type only, the others
 * are Docker's alone and left out.
 */
export async function dockerExportListing(docker: DockerCli, ref: string, file: string, image: ReadonlyMap<string, unknown>): Promise<{ listing: FsListing; typeOnly: Set<string> }> {
  const id = (await docker.text(['create', '--network', 'none', ref])).trim();
  try {
    await docker.run(['export', '-o', file, id]);
  } finally {
    await docker.run(['rm', '--force', id]);
  }
  const listing = listingFromTar(await listTar(file), await tarFileDigests(file));
  for (const p of RUNTIME_PATHS) listing.delete(p);
  const typeOnly = new Set<string>();
  for (const dir of INIT_LAYER_DIRS) {
    if (image.has(dir)) typeOnly.add(dir);
    else listing.delete(dir);
  }
  return { listing, typeOnly };
}
