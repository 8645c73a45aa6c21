import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statfsSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@peel/server';
import { dockerArchive } from '../src/image.js';
import { dir, file, tar, type Item } from '../src/tar.js';
import { fixture, removeDir, tempDir } from './helpers.js';
import { mountSmallDisk } from './small-disk.js';
import { imageRowCount } from '../src/image-rows.js';

const DISK_MIB = 40;

/**
 * The data folder on a 40 MiB filesystem: an upload that does not fit, whether the blobs or the
 * database run out of room, is refused with 507 DISK_FULL; the image stored before is intact,
 * nothing of the refused upload stays, and once space is freed uploads work again.
 */
describe('disk full while ingesting', () => {
  let root: string;
  let disk: ReturnType<typeof mountSmallDisk>;
  let data: string;
  let app: FastifyInstance;
  let keepId: string;
  let baseline: { blobs: string[]; tmp: string[]; images: number };

  const upload = (bytes: Buffer) => app.inject({ method: 'POST', url: '/api/images?name=x.tar', headers: { 'content-type': 'application/x-tar' }, payload: bytes });
  async function state(): Promise<{ blobs: string[]; tmp: string[]; images: number }> {
    await app.peel.idle();
    return {
      blobs: readdirSync(join(data, 'blobs', 'sha256')).sort(),
      tmp: readdirSync(join(data, 'blobs', 'tmp')),
      images: imageRowCount(data),
    };
  }
  async function expectKeepIntact(): Promise<void> {
    const res = await app.inject(`/api/images/${keepId}/content?path=/etc/os-release`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Tiny Linux');
    expect((await app.inject(`/api/images/${keepId}/fs?path=/etc`)).statusCode).toBe(200);
  }

  beforeAll(async () => {
    root = await tempDir();
    disk = mountSmallDisk(root, DISK_MIB);
    console.log(`[disk-full] data folder on ${disk.kind} of ${DISK_MIB} MiB`);
    data = join(disk.path, 'data');
    app = await buildApp({ dataDir: data, logger: process.env.PEEL_TEST_LOG ? { level: 'error' } : false });
    const res = await upload(readFileSync(fixture('tiny-docker-legacy')));
    expect(res.statusCode, res.body).toBe(201);
    keepId = res.json().id;
    baseline = await state();
  });
  afterAll(async () => {
    await app?.close();
    disk?.unmount();
    await removeDir(root);
  });

  it('blobs that do not fit: 507, nothing kept', async () => {
    const big = dockerArchive([tar([dir('data/'), file('data/a.bin', randomBytes(48 * 1024 * 1024))])]);
    const res = await upload(big);
    expect(res.statusCode, res.body).toBe(507);
    expect(res.json().error.code).toBe('DISK_FULL');
    expect(res.json().error.message).toMatch(/full/);
    expect(await state()).toEqual(baseline);
    await expectKeepIntact();
  });

  it('a database that cannot grow: 507, nothing kept, the earlier image intact', async () => {
    // Leave room for the layer blob but not for the index rows of its 12,000 entries.
    const items: Item[] = [dir('many/')];
    for (let i = 0; i < 12_000; i++) items.push(file(`many/entry-with-a-longish-name-${i}`, ''));
    const bytes = dockerArchive([tar(items)]);
    const { bavail, bsize } = statfsSync(disk.path);
    const filler = join(disk.path, 'filler');
    writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 2 * bytes.length - 256 * 1024)));
    try {
      const res = await upload(bytes);
      expect(res.statusCode, res.body).toBe(507);
      expect(res.json().error.code).toBe('DISK_FULL');
    } finally {
      rmSync(filler);
    }
    // The server keeps working without a restart once there is room…
    const again = await upload(readFileSync(fixture('tiny-multiarch-oci')));
    expect(again.statusCode, again.body).toBe(201);
    expect((await app.inject({ method: 'DELETE', url: `/api/images/${again.json().id}` })).statusCode).toBe(204);
    await expectKeepIntact();
    // …and whatever the full disk kept the purge from finishing is finished by the next start.
    await app.close();
    app = await buildApp({ dataDir: data, logger: process.env.PEEL_TEST_LOG ? { level: 'error' } : false });
    expect(await state()).toEqual(baseline);
    await expectKeepIntact();
  });

  it('once there is room again, uploads work', async () => {
    const res = await upload(readFileSync(fixture('tiny-multiarch-oci')));
    expect(res.statusCode, res.body).toBe(201);
    expect((await app.inject({ method: 'DELETE', url: `/api/images/${res.json().id}` })).statusCode).toBe(204);
    expect(await state()).toEqual(baseline);
    await expectKeepIntact();
  });
});
