/**
 * An image of the entries a tar writer gets wrong, made on disk as root and packed by GNU tar
 * (`--xattrs --sparse`, POSIX format), two layers in a `docker save`-style archive:
 * devices, a fifo, names over 100 bytes and names that are not UTF-8 (a file, a folder, a
 * symlink target, a hard link), a 40-level path, setuid/setgid/sticky bits, odd owners, a file
 * with a `security.capability` xattr (setcap), a sparse file, and a second layer that swaps a
 * folder for a file and a file for a folder and deletes a file with a whiteout.
 */
import { execFile } from 'node:child_process';
import { chmod, chown, link, mkdir, open, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { packLayer, writeDockerArchive } from '../generate-image.js';

const exec = promisify(execFile);

/** 220 bytes: beyond ustar's 100-byte name field, needs a PAX path record. */
export const LONG_NAME = `long-${'x'.repeat(211)}.txt`;
/** A folder name of 150 bytes holding a file of 200: a path of 360 bytes. */
export const LONG_DIR = `dir-${'d'.repeat(146)}`;
export const LONG_FILE = `file-${'f'.repeat(191)}.txt`;
export const DEEP_DIR = Array.from({ length: 40 }, (_, i) => `level-${i + 1}`).join('/');
/** Latin-1 names (é = 0xE9 alone is not UTF-8), and a folder named by two bytes no UTF-8 has. */
export const LATIN1_FILE = Buffer.from('names/caf\xe9.txt', 'latin1');
export const LATIN1_LINK = Buffer.from('names/link-\xe9', 'latin1');
export const LATIN1_HARD = Buffer.from('names/hard-\xe9', 'latin1');
export const RAW_DIR = Buffer.from('names/\xff\xfe', 'latin1');
/** cap_net_raw+ep as `setcap` writes it (VFS_CAP_REVISION_2, 20 bytes). */
export const CAPABILITY = 'cap_net_raw+ep';
export const SPARSE_SIZE = 8 * 1024 * 1024;
export const SPARSE_DATA = [
  { offset: 0, bytes: Buffer.from('head of a sparse file\n') },
  { offset: 6 * 1024 * 1024 + 123, bytes: Buffer.from('data after a 6 MiB hole\n') },
];

/** Paths (as GNU tar lists them) of the cases that must reach each view. */
export const EXOTIC_PATHS = {
  char: 'special/null',
  block: 'special/loop7',
  fifo: 'special/fifo',
  setuid: 'modes/setuid',
  setgid: 'modes/setgid',
  sticky: 'modes/sticky',
  capability: 'caps/ping',
  sparse: 'sparse/holes.bin',
  deep: `deep/${DEEP_DIR}/bottom.txt`,
  long: `names/${LONG_NAME}`,
  longPath: `names/${LONG_DIR}/${LONG_FILE}`,
  dirBecameFile: 'swap/was-dir',
  fileBecameDir: 'swap/was-file/inner.txt',
};
/** In the first layer, gone after the second (a whiteout; a folder replaced by a file). */
export const GONE = ['names/gone.txt', 'swap/was-dir/inner.txt'];

async function file(root: string, rel: string | Buffer, content: string | Buffer, mode = 0o644): Promise<void> {
  const full = Buffer.concat([Buffer.from(`${root}/`), Buffer.from(rel)]);
  await mkdir(full.subarray(0, full.lastIndexOf(0x2f)), { recursive: true });
  await writeFile(full, content);
  await chmod(full, mode);
}

async function firstLayer(root: string): Promise<void> {
  await mkdir(path.join(root, 'special'), { recursive: true });
  await exec('mknod', [path.join(root, EXOTIC_PATHS.char), 'c', '1', '3']);
  await exec('mknod', [path.join(root, EXOTIC_PATHS.block), 'b', '7', '7']);
  await exec('mkfifo', [path.join(root, EXOTIC_PATHS.fifo)]);

  await file(root, EXOTIC_PATHS.long, 'a long name\n');
  await file(root, EXOTIC_PATHS.longPath, 'a long path\n');
  await file(root, LATIN1_FILE, 'latin-1 name\n');
  await link(Buffer.concat([Buffer.from(`${root}/`), LATIN1_FILE]), Buffer.concat([Buffer.from(`${root}/`), LATIN1_HARD]));
  await symlink(Buffer.from('caf\xe9.txt', 'latin1'), Buffer.concat([Buffer.from(`${root}/`), LATIN1_LINK]));
  await file(root, Buffer.concat([RAW_DIR, Buffer.from('/inside.txt')]), 'in a folder whose name is not UTF-8\n');
  await file(root, 'names/gone.txt', 'deleted by the next layer\n');
  await file(root, EXOTIC_PATHS.deep, 'bottom\n');

  // chown before chmod (chown clears setuid/setgid) and before setcap (it drops the capability).
  await file(root, 'modes/owned', 'owned\n', 0o640);
  await chown(path.join(root, 'modes/owned'), 1000, 2000);
  await file(root, EXOTIC_PATHS.setuid, '#!/bin/sh\n', 0o4755);
  await file(root, EXOTIC_PATHS.setgid, 'setgid\n', 0o2711);
  await file(root, 'modes/private', 'private\n', 0o600);
  await mkdir(path.join(root, EXOTIC_PATHS.sticky));
  await chmod(path.join(root, EXOTIC_PATHS.sticky), 0o1777);
  await file(root, EXOTIC_PATHS.capability, 'pretend ping\n', 0o755);
  await exec('setcap', [CAPABILITY, path.join(root, EXOTIC_PATHS.capability)]);

  await mkdir(path.join(root, 'sparse'));
  const sparse = await open(path.join(root, EXOTIC_PATHS.sparse), 'w');
  try {
    for (const { offset, bytes } of SPARSE_DATA) await sparse.write(bytes, 0, bytes.length, offset);
    await sparse.truncate(SPARSE_SIZE);
  } finally {
    await sparse.close();
  }

  await file(root, 'swap/was-dir/inner.txt', 'in a folder the next layer turns into a file\n');
  await file(root, 'swap/was-file', 'a file the next layer turns into a folder\n');
}

async function secondLayer(root: string): Promise<void> {
  // Folders the layer writes into carry the first layer's modes (a layer's folder entry sets them).
  await file(root, 'swap/was-dir', 'now a file\n');
  await file(root, EXOTIC_PATHS.fileBecameDir, 'now in a folder\n');
  await file(root, 'names/.wh.gone.txt', '', 0o600);
  await file(root, 'modes/sticky/added', 'added under the sticky folder\n');
  await chmod(path.join(root, EXOTIC_PATHS.sticky), 0o1777);
}

/** Writes the archive to `out` (image `tag`); `work` is scratch space. */
export async function buildExoticArchive(out: string, work: string, tag: string): Promise<void> {
  // Like Docker itself: devices, foreign owners and capabilities need root. Fail, never pass less.
  if (process.getuid?.() !== 0) throw new Error('the exotic-entries image is made as root (mknod, chown, setcap): run the interop suite as root, as CI does');
  const layers = [firstLayer, secondLayer];
  const tars = [];
  for (const [i, fill] of layers.entries()) {
    const root = path.join(work, `exotic-rootfs-${i}`);
    await mkdir(root, { recursive: true });
    await fill(root);
    const tar = path.join(work, `exotic-layer-${i}.tar`);
    await packLayer(root, tar, ['--xattrs', '--xattrs-include=security.capability', '--sparse']);
    await rm(root, { recursive: true, force: true });
    tars.push({ file: tar });
  }
  await writeDockerArchive(out, tars, tag);
}
