import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { DockerOpenJob, DraftState } from '@peel/api';
import { buildApp } from '@peel/server';
import { fixture, FIXTURES, removeDir, tempDir } from './helpers.js';
import { mountSmallDisk } from './small-disk.js';
import { imageRowCount } from '../src/image-rows.js';

const DISK_MIB = 48;
const REPO = resolve(import.meta.dirname, '../../..');
const ALPYNE = readFileSync(join(FIXTURES, 'tiny-alpyne-expected.txt'));

/**
 * The data folder's disk fills up while a draft is written, while an export is made and while an
 * image is opened from Docker: each is refused with 507 DISK_FULL, the draft and the images stored
 * before are as they were, nothing of the refused work stays, and with room again it all works.
 */
describe('disk full while editing, exporting and opening from Docker', () => {
  let root: string;
  let disk: ReturnType<typeof mountSmallDisk>;
  let data: string;
  let app: FastifyInstance;
  let tiny: string;
  let dockerHost: string;
  const tag = `peel-test/disk-full-${randomBytes(4).toString('hex')}:v1`;
  const filler = () => join(disk.path, 'filler');

  /** Leaves about `bytes` free on the small disk. */
  function fillLeaving(bytes: number): void {
    const { bavail, bsize } = statfsSync(disk.path);
    writeFileSync(filler(), Buffer.alloc(Math.max(0, bavail * bsize - bytes)));
  }
  async function state(): Promise<{ blobs: string[]; tmp: string[]; images: number; draft: string }> {
    await app.peel.idle();
    const draft = (await app.inject(`/api/images/${tiny}/draft`)).json() as DraftState;
    return {
      blobs: readdirSync(join(data, 'blobs', 'sha256')).sort(),
      tmp: readdirSync(join(data, 'blobs', 'tmp')),
      images: imageRowCount(data),
      draft: JSON.stringify({ ops: draft.ops, changes: draft.changes, config: draft.config }),
    };
  }
  const write = (path: string, bytes: Buffer) => app.inject({ method: 'PUT', url: `/api/images/${tiny}/draft/content?path=${encodeURIComponent(path)}`, payload: bytes, headers: { 'content-type': 'application/octet-stream' } });
  const draftText = async (path: string) => (await app.inject(`/api/images/${tiny}/content?draft=1&path=${encodeURIComponent(path)}`)).body;

  beforeAll(async () => {
    root = await tempDir();
    disk = mountSmallDisk(root, DISK_MIB);
    data = join(disk.path, 'data');
    dockerHost = execFileSync('bash', [join(REPO, 'scripts/dockerd.sh'), 'start'], { encoding: 'utf8' }).trim().split('\n').pop()!;
    const docker = (args: string[]) => execFileSync('docker', args, { env: { ...process.env, DOCKER_HOST: dockerHost }, encoding: 'utf8' });
    // Tag what this load printed, not a shared name another suite may remove meanwhile.
    const loaded = /Loaded image(?: ID)?: (\S+)/.exec(docker(['load', '-i', fixture('tiny-docker-legacy')]))?.[1];
    if (!loaded) throw new Error('docker load printed no image');
    docker(['tag', loaded, tag]);
    app = await buildApp({ dataDir: data, docker: { dockerHost }, host: '127.0.0.1', logger: process.env.PEEL_TEST_LOG ? { level: 'error' } : false });
    const res = await app.inject({ method: 'POST', url: '/api/images?name=tiny.tar', headers: { 'content-type': 'application/x-tar' }, payload: readFileSync(fixture('tiny-docker-legacy')) });
    expect(res.statusCode, res.body).toBe(201);
    tiny = res.json().id;
    expect((await write('/etc/os-release', ALPYNE)).statusCode).toBe(200);
  });
  afterEach(() => rmSync(filler(), { force: true }));
  afterAll(async () => {
    await app?.close();
    try {
      execFileSync('docker', ['rmi', tag], { env: { ...process.env, DOCKER_HOST: dockerHost }, stdio: 'ignore' });
    } catch {
      // the tag was never made
    }
    disk?.unmount();
    await removeDir(root);
  });

  it('a draft write that does not fit: 507, the draft as it was', async () => {
    const before = await state();
    fillLeaving(512 * 1024);
    const res = await write('/data/big.bin', randomBytes(4 * 1024 * 1024));
    expect(res.statusCode, res.body).toBe(507);
    expect(res.json().error.code).toBe('DISK_FULL');
    expect(await state()).toEqual(before);
    expect(await draftText('/etc/os-release')).toBe(ALPYNE.toString());
    expect((await app.inject(`/api/images/${tiny}/content?draft=1&path=/data/big.bin`)).statusCode).toBe(404);
    rmSync(filler());
    expect((await write('/data/small.txt', Buffer.from('room again\n'))).statusCode).toBe(200);
    expect(await draftText('/data/small.txt')).toBe('room again\n');
  });

  it('an export that does not fit: 507 for download and save, nothing kept, and the draft exports once there is room', async () => {
    const payload = randomBytes(6 * 1024 * 1024);
    expect((await write('/data/payload.bin', payload)).statusCode).toBe(200);
    const before = await state();
    fillLeaving(256 * 1024);
    for (const mode of ['append', 'rewrite', 'flatten']) {
      const saved = await app.inject({ method: 'POST', url: `/api/images/${tiny}/export/save?mode=${mode}&compression=gzip` });
      expect(saved.statusCode, `${mode}: ${saved.body.slice(0, 200)}`).toBe(507);
      expect(saved.json().error.code).toBe('DISK_FULL');
      expect(await state(), mode).toEqual(before);
      // A download whose new gzip layer must be stored before its digest is known: the same.
      const download = await app.inject(`/api/images/${tiny}/export?mode=${mode}&compression=gzip`);
      expect(download.statusCode, mode).toBe(507);
      expect(download.json().error.code).toBe('DISK_FULL');
      expect(await state(), mode).toEqual(before);
    }
    rmSync(filler());
    const out = join(root, 'out');
    mkdirSync(out);
    const res = await app.inject(`/api/images/${tiny}/export?mode=append`);
    expect(res.statusCode).toBe(200);
    writeFileSync(join(out, 'export.tar'), res.rawPayload);
    // GNU tar reads the export: the new layer holds the draft's bytes.
    execFileSync('tar', ['-xf', join(out, 'export.tar'), '-C', out]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
    const top = manifest[0].Layers.at(-1)!;
    expect(execFileSync('tar', ['-xOf', join(out, top), 'data/payload.bin'], { maxBuffer: 16 * 1024 * 1024 }).equals(payload)).toBe(true);
    expect(execFileSync('tar', ['-xOf', join(out, top), 'etc/os-release']).equals(ALPYNE)).toBe(true);
  });

  it('opening from Docker with no room: the job fails with DISK_FULL, nothing kept; with room it opens', async () => {
    const before = await state();
    fillLeaving(256 * 1024);
    const started = await app.inject({ method: 'POST', url: '/api/docker/open-jobs', payload: { ref: tag }, headers: { host: '127.0.0.1' } });
    expect(started.statusCode, started.body).toBe(202);
    const job = await finished(started.json().id);
    expect(job.state, JSON.stringify(job)).toBe('failed');
    expect(job.error?.code).toBe('DISK_FULL');
    expect(await state()).toEqual(before);
    rmSync(filler());
    const again = await finished((await app.inject({ method: 'POST', url: '/api/docker/open-jobs', payload: { ref: tag }, headers: { host: '127.0.0.1' } })).json().id);
    expect(again.state, JSON.stringify(again)).toBe('done');
    const opened = await app.inject(`/api/images/${again.image!.id}/content?path=/etc/os-release`);
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toBe(readFileSync(join(FIXTURES, 'tiny.oracle', 'run-cat-os-release.txt')).toString());
  });

  async function finished(id: string): Promise<DockerOpenJob> {
    const end = Date.now() + 60_000;
    for (;;) {
      const job = (await app.inject({ url: `/api/docker/open-jobs/${id}`, headers: { host: '127.0.0.1' } })).json() as DockerOpenJob;
      if (job.state !== 'streaming' && job.state !== 'indexing') return job;
      if (Date.now() > end) throw new Error(`open job ${id} still ${job.state} after 60 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
