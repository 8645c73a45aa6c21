/**
 * The image the interop suite builds FROM scratch with Docker's classic builder on overlay2.
 * Each step exists for one layer-semantics case (named in its comment); `cases` lists paths
 * that prove each case made it into the image, so the suite cannot silently test less.
 * The only program inside is /bin/busybox (static), with symlinks for the applets RUN uses.
 */
import { copyFile, mkdir, symlink, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';

const APPLETS = ['sh', 'cat', 'chmod', 'chown', 'echo', 'ln', 'ls', 'mkdir', 'mkfifo', 'mknod', 'rm', 'seq', 'true'];

/** A path component of 220 bytes (NAME_MAX is 255): needs a PAX or GNU long name. */
export const LONG_NAME = `long-${'x'.repeat(211)}.txt`;
/** 70 three-byte characters plus ".txt": 214 bytes, non-ASCII, so PAX records carry it. */
export const LONG_UNICODE_NAME = `${'日'.repeat(70)}.txt`;
/** 40 nested directories: the full path is far beyond ustar's 100+155 bytes. */
export const DEEP_DIR = Array.from({ length: 40 }, (_, i) => `level-${i + 1}`).join('/');

const q = (s: string) => `'${s}'`;

const STEPS: string[] = [
  'FROM scratch',
  // base layer: busybox, relative applet symlinks, an absolute symlink, /etc, a sticky /tmp
  'COPY rootfs/ /',
  // empty-layer steps: metadata only, no layer
  'LABEL org.opencontainers.image.title="peel interop" org.peel.case="empty layer"',
  'ENV PEEL_GREETING="hello world"',
  // files and a whole directory that the next step deletes
  'RUN mkdir -p /data/keep /data/gone/sub && echo one > /data/keep/one.txt && echo two > /data/keep/two.txt && echo g > /data/gone/sub/g.txt && echo h > /data/gone/h.txt',
  // whiteout of a file (.wh.two.txt) and of a whole directory (.wh.gone)
  'RUN rm /data/keep/two.txt && rm -rf /data/gone',
  'RUN mkdir -p /data/opq/old && echo a > /data/opq/old/a && echo b > /data/opq/b',
  // opaque directory: overlay2 records .wh..wh..opq, so old/ and b must disappear
  'RUN rm -rf /data/opq && mkdir /data/opq && echo fresh > /data/opq/fresh.txt',
  // hard links: a pair that survives untouched (Docker's export shows one `h` entry), a pair
  // whose original is deleted next, and a pair whose original is rewritten later
  'RUN mkdir /links && echo pair > /links/pair-a && ln /links/pair-a /links/pair-b && echo survives > /links/first && ln /links/first /links/second && echo shared > /links/orig && ln /links/orig /links/hard',
  // the original of a hard link is deleted: /links/second keeps the content
  'RUN rm /links/first',
  'RUN mkdir -p /swap/was-dir/sub && echo x > /swap/was-dir/sub/x && echo f > /swap/was-file && ln -s /data /swap/was-link',
  // directory -> file, file -> directory, symlink -> directory
  'RUN rm -rf /swap/was-dir && echo "now a file" > /swap/was-dir && rm /swap/was-file && mkdir /swap/was-file && echo in > /swap/was-file/inner && rm /swap/was-link && mkdir /swap/was-link && echo d > /swap/was-link/d',
  // deep path: 40 levels
  `RUN mkdir -p /deep/${DEEP_DIR} && echo bottom > /deep/${DEEP_DIR}/bottom.txt`,
  // names of 200+ bytes, ASCII and multi-byte
  `RUN mkdir /names && echo long > /names/${LONG_NAME} && echo nihon > /names/${LONG_UNICODE_NAME}`,
  // unicode names (é, 日本, emoji) and spaces
  `RUN mkdir -p ${q('/names/café')} /names/日本 /names/日本語 && echo é > ${q('/names/café/crème brûlée.txt')} && echo 日本 > /names/日本/ファイル.txt && echo go > /names/日本語/消える.txt && echo whale > /names/🐳.txt`,
  // absolute, relative, dangling and directory symlinks
  'RUN mkdir /symlinks && ln -s /data/keep/one.txt /symlinks/absolute && ln -s ../data/keep/one.txt /symlinks/relative && ln -s ../nowhere /symlinks/dangling && ln -s ../data /symlinks/to-dir',
  // setuid, setgid, sticky, private modes
  "RUN mkdir /modes && echo '#!/bin/sh' > /modes/setuid && chmod 4755 /modes/setuid && echo g > /modes/setgid && chmod 2755 /modes/setgid && mkdir /modes/sticky && chmod 1777 /modes/sticky && echo p > /modes/private && chmod 0600 /modes/private && mkdir /modes/locked && chmod 0700 /modes/locked",
  // owners: 1000:1000 recursively, and distinct uid/gid
  'RUN mkdir -p /home/user && echo mine > /home/user/owned.txt && chown -R 1000:1000 /home/user && echo split > /home/split && chown 1000:2000 /home/split',
  'COPY --chown=1000:1000 files/ /home/user/copied/',
  // files with spaces
  `RUN mkdir ${q('/space dir')} && echo s > ${q('/space dir/file with spaces.txt')}`,
  // a RUN that changes nothing: Docker records an empty_layer history entry
  'RUN true',
  // metadata-only change (copy-up of the whole file) and a new file
  'RUN chmod 0640 /data/keep/one.txt && echo three > /data/keep/three.txt',
  // the original of a hard link is rewritten: /links/hard keeps the old content
  'RUN echo replaced > /links/orig && echo rewritten > /data/opq/fresh.txt',
  // special files: a character device and a fifo
  'RUN mkdir /special && mknod /special/null c 1 3 && mkfifo /special/fifo',
  // a deleted directory re-created (overlay marks it opaque) and a unicode dir deleted
  'RUN mkdir /data/gone && echo back > /data/gone/back.txt && rm -rf /names/日本語',
  'WORKDIR /data',
  'ENV PEEL_DONE=1',
  'CMD ["/bin/sh"]',
];

export const DOCKERFILE = `${STEPS.join('\n')}\n`;

/** Paths whose presence (or absence) in Docker's merged view proves each case is exercised. */
export const cases = {
  present: [
    'bin/busybox', 'bin/sh', 'usr/bin/env', 'tmp', 'data/keep/one.txt', 'data/opq/fresh.txt',
    'links/pair-a', 'links/pair-b', 'links/orig', 'links/hard', 'links/second', 'swap/was-dir', 'swap/was-file/inner', 'swap/was-link/d',
    `deep/${DEEP_DIR}/bottom.txt`, `names/${LONG_NAME}`, `names/${LONG_UNICODE_NAME}`,
    'names/café/crème brûlée.txt', 'names/日本/ファイル.txt', 'names/🐳.txt', 'symlinks/absolute', 'symlinks/relative',
    'symlinks/dangling', 'modes/setuid', 'modes/sticky', 'home/user/owned.txt', 'home/split',
    'home/user/copied/with space.txt', 'space dir/file with spaces.txt', 'special/null', 'special/fifo',
    'data/gone/back.txt',
  ],
  absent: [
    'data/keep/two.txt', 'data/gone/h.txt', 'data/gone/sub', 'data/opq/b', 'data/opq/old',
    'links/first', 'swap/was-dir/sub', 'names/日本語',
  ],
};

/** Files read back through the engine and compared with `docker run … cat`. */
export const contentProbes = [
  'bin/busybox', 'data/keep/one.txt', 'links/pair-b', 'links/second', 'links/hard', 'swap/was-dir',
  `deep/${DEEP_DIR}/bottom.txt`, `names/${LONG_UNICODE_NAME}`, 'names/café/crème brûlée.txt',
  'home/user/copied/with space.txt', 'symlinks/relative',
];

/** Writes the build context (Dockerfile, rootfs/, files/) into `dir`. */
export async function writeBuildContext(dir: string): Promise<void> {
  const root = path.join(dir, 'rootfs');
  for (const d of ['bin', 'usr/bin', 'etc', 'tmp']) await mkdir(path.join(root, d), { recursive: true });
  await copyFile('/bin/busybox', path.join(root, 'bin/busybox'));
  await chmod(path.join(root, 'bin/busybox'), 0o755);
  for (const applet of APPLETS) await symlink('busybox', path.join(root, 'bin', applet));
  await symlink('/bin/busybox', path.join(root, 'usr/bin/env'));
  await chmod(path.join(root, 'tmp'), 0o1777);
  await writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n');
  await writeFile(path.join(root, 'etc/group'), 'root:x:0:\nuser:x:1000:\n');
  await writeFile(path.join(root, 'etc/os-release'), 'NAME="Peel interop"\nID=peel-interop\n');
  await mkdir(path.join(dir, 'files'));
  await writeFile(path.join(dir, 'files/with space.txt'), 'copied with --chown\n');
  await writeFile(path.join(dir, 'Dockerfile'), DOCKERFILE);
}
