import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GiB, MiB, archiveAround, gzipBombLayer, hugePaxHeader, manyEntriesLayer, missingHugeFile, zstdBombLayer, type Lazy } from '../src/bombs.js';
import { dockerArchive } from '../src/image.js';
import { file, header, pad, tar } from '../src/tar.js';
import { removeDir, tempDir } from './helpers.js';
import { peakRssMiB, rssMiB, startServer, uploadStream, type ServerProcess } from './server-process.js';

/** Peak RSS the server may reach over all the bombs (measured: see the log line each test prints). */
const RSS_LIMIT_MIB = Number(process.env.PEEL_BOMB_RSS_LIMIT_MIB ?? 600);

/**
 * Bombs against the server as people run it (a child process, a real socket): each is refused
 * with a 4xx naming the problem after reading a small part of it, the server's memory stays
 * bounded (VmHWM of the child), it keeps answering, and nothing of the bombs stays on disk.
 */
describe('bombs against a server process', () => {
  let dir: string;
  let server: ServerProcess;
  let baseRss: number;

  beforeAll(async () => {
    dir = await tempDir();
    server = await startServer({ PEEL_DATA_DIR: join(dir, 'data'), PEEL_MAX_ENTRIES_PER_LAYER: '500000', LOG_LEVEL: 'error' });
    const warm = dockerArchive([tar([file('etc/os-release', 'ID=warm\n')])]);
    expect((await uploadStream(server.address, [warm], { size: warm.length })).status).toBe(201);
    baseRss = rssMiB(server.pid);
  });
  afterAll(async () => {
    await server?.stop();
    await removeDir(dir);
  });

  async function expectRefused(name: string, body: Lazy | AsyncIterable<Buffer>, status: number, code: string, maxSentMiB: number): Promise<void> {
    const sized = 'chunks' in body;
    const res = await uploadStream(server.address, sized ? body.chunks() : body, { size: sized ? body.size : undefined, path: `/api/images?name=${name}` });
    const peak = peakRssMiB(server.pid);
    console.log(`[bomb] ${name}: ${res.status} after ${(res.sent / MiB).toFixed(1)} MiB sent in ${res.ms.toFixed(0)} ms; server RSS base ${baseRss.toFixed(0)} MiB, peak so far ${peak.toFixed(0)} MiB`);
    expect(res.status, `${res.body}\n${server.stderr().slice(-3000)}`).toBe(status);
    expect(JSON.parse(res.body).error.code, res.body).toBe(code);
    expect(res.sent / MiB, 'refused before the bulk was sent').toBeLessThan(maxSentMiB);
    expect(peak).toBeLessThan(RSS_LIMIT_MIB);
    expect((await fetch(`${server.address}/api/health`)).status).toBe(200);
  }

  it('a gzip layer that expands to 100 GiB', async () => {
    await expectRefused('gzip-100g', archiveAround(gzipBombLayer(100 * GiB)), 413, 'LIMIT_EXCEEDED', 32);
  });

  it('a zstd layer that expands to 100 GiB', async () => {
    await expectRefused('zstd-100g', archiveAround(zstdBombLayer(100 * GiB)), 413, 'LIMIT_EXCEEDED', 4);
  });

  it('a zstd layer asking for a 2 GiB window', async () => {
    await expectRefused('zstd-window', archiveAround(zstdBombLayer(GiB, 31)), 413, 'LIMIT_EXCEEDED', 4);
  });

  it('nested gzip: a .tar.gz holding a 100 GiB gzip layer', async () => {
    const gz = Readable.from(archiveAround(gzipBombLayer(100 * GiB)).chunks()).pipe(createGzip({ level: 1 }));
    await expectRefused('nested-gzip', gz, 413, 'LIMIT_EXCEEDED', 32);
  });

  it('millions of empty entries (2 million in one layer, the limit set to 500,000)', async () => {
    // An uncompressed layer in a gzipped archive: generated as it is sent, refused at the limit.
    const gz = Readable.from(archiveAround(manyEntriesLayer(2_000_000)).chunks()).pipe(createGzip({ level: 1 }));
    await expectRefused('many-entries', gz, 413, 'LIMIT_EXCEEDED', 64);
  });

  it('a 200 MB manifest.json', async () => {
    await expectRefused('json-200mb', hugeManifest(200 * MiB), 413, 'JSON_TOO_LARGE', 260);
  });

  it('a 1 GB PAX header', async () => {
    // Refused at the 1 MiB header limit; what else counts as sent sat in the loopback socket's
    // buffers, which the kernel grows up to tcp_rmem's maximum (32 MiB here) + tcp_wmem's (4 MiB):
    // 4–8 MiB in practice, never the gigabyte.
    await expectRefused('pax-1g', hugePaxHeader(GiB), 413, 'LIMIT_EXCEEDED', 40);
    await expectRefused('pax-1g-layer', archiveAround(hugePaxHeader(GiB)), 413, 'LIMIT_EXCEEDED', 40);
  });

  it('an 8 GiB file that is declared but not there', async () => {
    const bytes = missingHugeFile(8 * GiB);
    await expectRefused('missing-8g', { size: bytes.length, chunks: () => [bytes] }, 400, 'TRUNCATED', 1);
  });

  it('left nothing behind', async () => {
    // Only the warm-up image's blobs remain, and no temp file.
    expect(readdirSync(join(dir, 'data', 'blobs', 'tmp'))).toEqual([]);
    expect(readdirSync(join(dir, 'data', 'blobs', 'sha256')).length).toBeLessThanOrEqual(3);
    const list = await (await fetch(`${server.address}/api/images`)).json();
    expect(list).toHaveLength(1);
  });
});

/** An archive whose manifest.json is `size` bytes of JSON (a list padded with spaces). */
function hugeManifest(size: number): Lazy {
  const head = header({ name: 'manifest.json', size });
  const spaces = Buffer.alloc(MiB, 0x20);
  return {
    size: head.length + size + pad(size).length + 1024,
    *chunks() {
      yield head;
      yield Buffer.from('[');
      let left = size - 2;
      for (; left >= spaces.length; left -= spaces.length) yield spaces;
      yield spaces.subarray(0, left);
      yield Buffer.from(']');
      yield pad(size);
      yield Buffer.alloc(1024);
    },
  };
}
