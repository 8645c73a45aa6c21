/**
 * An image of more than 500,000 entries built by Docker, against Docker's own account of it.
 * The merged filesystem Peel lists (the paged fs listing, walked through the HTTP API of a
 * server on a real socket) must equal `docker export` of a container of the image as GNU tar
 * lists it — path, type, size — and an export from Peel must load into Docker and run with the
 * file count the recipe makes. Only the public HTTP API is used, so the check holds whatever
 * the server stores the index in.
 *
 * Building is the slow part (Docker creates and then tars every file of the big layer); the
 * recipe makes the files with one `xargs touch` per folder, so the shell forks a few hundred
 * times, not half a million.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { encodePathParam, PAGE_MAX_LIMIT, type FsPage } from '@peel/api';
import { dockerCli, type DockerCli } from '../../../../packages/engine/test/interop/exec.js';
import { build, removeDir, tempDir } from '../helper.js';

const RUN = `t${randomBytes(4).toString('hex')}`;
const TAGS = { source: `big-source:${RUN}`, exported: `big-peel-export:${RUN}` };
const APPLETS = ['sh', 'mkdir', 'seq', 'xargs', 'touch', 'rm', 'head', 'echo', 'find', 'wc'];

// The recipe's shape, and from it the number of files Docker must run with.
const FOLDERS = 100;
const FILES_PER_FOLDER = 5000;
const SIZED = 300; // /big/1/1..300 rewritten with 1..300 bytes
const OVERWRITTEN = 50; // /big/1/1..50 then rewritten with 12 bytes
const NEW_FILES = 6000; // /big/new, in the layer that deletes /big/7
const BIG_FILES = (FOLDERS - 1) * FILES_PER_FOLDER + NEW_FILES;

const DOCKERFILE = [
  'FROM scratch',
  'COPY rootfs/ /',
  `RUN mkdir /big && cd /big && for d in $(seq 0 ${FOLDERS - 1}); do mkdir $d && cd $d && seq 0 ${FILES_PER_FOLDER - 1} | xargs touch && cd ..; done`,
  `RUN cd /big/1 && for i in $(seq 1 ${SIZED}); do head -c $i /bin/busybox > $i; done`,
  // A whiteout of a whole folder, files overwritten with other sizes, a new folder.
  `RUN rm -rf /big/7 && cd /big/1 && for i in $(seq 1 ${OVERWRITTEN}); do echo overwritten > $i; done`
    + ` && mkdir /big/new && cd /big/new && seq 0 ${NEW_FILES - 1} | xargs touch`,
  'CMD ["/bin/sh"]',
].join('\n');

// Docker's init layer puts these into every export (moby daemon/initlayer); the image has none.
const RUNTIME = /^(\.dockerenv|etc|dev|proc|sys)(\/|$)/;

let docker: DockerCli;
let work: string;
let app: FastifyInstance;
let base: string;
let id: string;
/** Docker's merged filesystem, one `path type size` line per entry. */
let dockerLines: string[];
const tags: string[] = [];
const timings: Record<string, number> = {};

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = Math.round(performance.now() - start);
  }
}

/** One entry as both sides write it: size for files only (a folder's size means nothing in tar). */
const line = (p: string, type: 'file' | 'dir' | 'symlink' | 'hardlink' | string, size: number, link = ''): string =>
  `${p}\t${type}\t${type === 'file' ? size : ''}\t${link}`;

const TAR_TYPES: Record<string, string> = { '-': 'file', d: 'dir', l: 'symlink', h: 'hardlink' };

/**
 * `docker export` of a created container, streamed into `tar -tv` (nothing written to disk),
 * each line parsed as it comes: `mode owner size date time name[ -> target| link to target]`.
 */
async function dockerExportLines(ref: string): Promise<string[]> {
  const container = (await docker.text(['create', '--network', 'none', ref])).trim();
  try {
    const env = { ...process.env, DOCKER_HOST: inject('dockerHost') };
    const exporter = spawn('docker', ['export', container], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-tv', '--numeric-owner', '--full-time', '-f', '-'], { env: { ...process.env, LC_ALL: 'C' }, stdio: ['pipe', 'pipe', 'pipe'] });
    exporter.stdout.pipe(tar.stdin);
    const exited = (p: ReturnType<typeof spawn>, name: string) => new Promise<void>((resolve, reject) => {
      let stderr = '';
      p.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
      p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited ${code}: ${stderr}`))));
    });
    const done = Promise.all([exited(exporter, 'docker export'), exited(tar, 'tar -tv')]);
    const out: string[] = [];
    for await (const l of createInterface({ input: tar.stdout })) {
      const m = /^(.)\S* \S+ +(\S+) \S+ \S+ (.*)$/.exec(l);
      if (!m) throw new Error(`unparsed GNU tar line: ${JSON.stringify(l)}`);
      const type = TAR_TYPES[m[1]] ?? m[1];
      const [name, link = ''] = type === 'symlink' ? m[3].split(' -> ') : type === 'hardlink' ? m[3].split(' link to ') : [m[3]];
      const p = name.replace(/^\.?\/+/, '').replace(/\/+$/, '');
      if (p === '' || p === '.' || RUNTIME.test(p)) continue;
      out.push(line(p, type, Number(m[2]), link));
    }
    await done;
    return out;
  } finally {
    await docker.run(['rm', '--force', container]);
  }
}

/** Peel's merged filesystem, walked folder by folder with the paged listing. */
async function peelLines(imageId: string): Promise<string[]> {
  const out: string[] = [];
  const dirs = ['/'];
  while (dirs.length) {
    const dir = dirs.pop()!;
    let cursor: string | null = null;
    do {
      const url: string = `${base}/api/images/${imageId}/fs?path=${encodePathParam(dir)}&paged=1&limit=${PAGE_MAX_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await fetch(url);
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
      const page = (await res.json()) as FsPage;
      for (const e of page.items) {
        out.push(line(e.path.slice(1), e.type, e.size, e.linkTarget ?? ''));
        if (e.type === 'dir') dirs.push(e.path);
      }
      cursor = page.next;
    } while (cursor);
  }
  return out;
}

/** Set difference both ways, as sentences: what is missing from Peel and what only Peel has. */
function setDiff(oracle: string[], peel: string[], shown = 20): string {
  const want = new Set(oracle);
  const got = new Set(peel);
  const missing = oracle.filter((l) => !got.has(l)).sort();
  const extra = peel.filter((l) => !want.has(l)).sort();
  const show = (title: string, lines: string[]) => (lines.length
    ? [`${lines.length} ${title}:`, ...lines.slice(0, shown).map((l) => `  ${l.replaceAll('\t', ' | ')}`), ...(lines.length > shown ? [`  … and ${lines.length - shown} more`] : [])]
    : []);
  return [...show('in docker export, not in Peel (path | type | size | link)', missing), ...show('in Peel, not in docker export', extra)].join('\n');
}

beforeAll(async () => {
  docker = dockerCli(inject('dockerHost'));
  work = await tempDir('peel-big-interop-');
  const ctx = path.join(work, 'ctx');
  await mkdir(path.join(ctx, 'rootfs/bin'), { recursive: true });
  await copyFile('/bin/busybox', path.join(ctx, 'rootfs/bin/busybox'));
  await chmod(path.join(ctx, 'rootfs/bin/busybox'), 0o755);
  for (const applet of APPLETS) await symlink('busybox', path.join(ctx, 'rootfs/bin', applet));
  await writeFile(path.join(ctx, 'Dockerfile'), `${DOCKERFILE}\n`);
  await timed('docker build', () => docker.run(['build', '--no-cache', '--force-rm', '--network', 'none', '-q', '-t', TAGS.source, ctx]));
  tags.push(TAGS.source);
  const archive = path.join(work, 'source.tar');
  app = await build(path.join(work, 'data'));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  // The archive is saved and ingested while Docker exports a container: the two sides are independent.
  const upload = async () => {
    await timed('docker save', () => docker.run(['save', '-o', archive, TAGS.source]));
    return timed('peel upload (ingest)', async () => {
      const res = await fetch(`${base}/api/images?name=big.tar`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-tar', 'content-length': String((await stat(archive)).size) },
        body: Readable.toWeb(createReadStream(archive)) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      if (res.status !== 201 && res.status !== 200) throw new Error(`upload: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    });
  };
  [id, dockerLines] = await Promise.all([upload(), timed('docker export | tar -tv', () => dockerExportLines(TAGS.source))]);
  // Docker must load the export's layers from Peel's bytes, not find them already in its store.
  await docker.run(['image', 'rm', TAGS.source]);
  tags.splice(tags.indexOf(TAGS.source), 1);
}, 900_000);

afterAll(async () => {
  await app?.close();
  if (tags.length) await docker.run(['image', 'rm', ...tags]).catch(() => undefined);
  await removeDir(work);
  console.log(`big-image timings (ms): ${JSON.stringify(timings)}`);
});

describe(`a Docker-built image of ${BIG_FILES.toLocaleString('en')}+ files`, () => {
  it('Peel lists the merged filesystem docker export has, entry for entry (path, type, size)', async () => {
    const peel = await timed('peel fs walk', () => peelLines(id));
    console.log(`entries: docker export ${dockerLines.length}, Peel ${peel.length}`);
    expect(dockerLines.length).toBeGreaterThanOrEqual(500_000);
    expect(dockerLines.filter((l) => l.startsWith('big/') && l.split('\t')[1] === 'file')).toHaveLength(BIG_FILES);
    expect(setDiff(dockerLines, peel)).toBe('');
    expect(peel).toHaveLength(dockerLines.length);
  });

  it('an append export from Peel loads into Docker and runs with every file there', { timeout: 600_000 }, async () => {
    const file = path.join(work, 'export.tar');
    await timed('peel export (append)', async () => {
      const res = await fetch(`${base}/api/images/${id}/export?mode=append&tag=${encodeURIComponent(TAGS.exported)}`);
      expect(res.status).toBe(200);
      await pipeline(Readable.fromWeb(res.body! as WebReadableStream), createWriteStream(file));
    });
    await timed('docker load', () => docker.run(['load', '-i', file]));
    tags.push(TAGS.exported);
    const counted = await timed('docker run find | wc -l', () => docker.text(['run', '--rm', '--network', 'none', TAGS.exported, 'sh', '-c', 'find /big -type f | wc -l && find /big/1 -type f -size +0 | wc -l']));
    expect(counted.trim().split(/\s+/).map(Number), 'files below /big, files with bytes below /big/1').toEqual([BIG_FILES, SIZED]);
  });
});
