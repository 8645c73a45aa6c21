import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '../src/index.js';
import { hashFileInWorker } from '../src/store/hash-worker.js';
import { sha256 } from './build.js';

/**
 * The file store hashes a blob either on the calling thread, from the chunks, or on a worker
 * thread that reads the written file back (the default): both must name a blob by the same digest.
 */

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function store(hashOnWorker: boolean): Promise<{ store: FsBlobStore; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'peel-blobs-'));
  dirs.push(dir);
  return { store: await new FsBlobStore(dir, { hashOnWorker }).init(), dir };
}

describe('FsBlobStore digests', () => {
  for (const hashOnWorker of [true, false]) {
    it(`${hashOnWorker ? 'on the worker thread' : 'on the calling thread'}: writes, batches and settled writes give the sha256 of the bytes`, async () => {
      const { store: s, dir } = await store(hashOnWorker);
      // Over the worker's 1 MiB read buffer, in odd pieces, through all three ways of writing.
      const data = randomBytes(3 * 1024 * 1024 + 4099);
      const w = s.create();
      await w.write(data.subarray(0, 70_001));
      await w.writeMany!([data.subarray(70_001, 1_500_000), data.subarray(1_500_000, 1_500_001), data.subarray(1_500_001, 2_900_000)]);
      await w.writeSettled!(data.subarray(2_900_000));
      const { digest, size, existed } = await w.commit();
      expect(digest).toBe(sha256(data));
      expect(size).toBe(data.length);
      expect(existed).toBe(false);
      expect(sha256(await readFile(s.pathOf(digest)))).toBe(sha256(data));

      // The same bytes again: found, and the second temp file is gone.
      const again = s.create();
      await again.write(data);
      expect(await again.commit()).toMatchObject({ digest, existed: true });
      expect(await readdir(join(dir, 'tmp'))).toEqual([]);

      const empty = s.create();
      expect((await empty.commit()).digest).toBe(sha256(Buffer.alloc(0)));
    });
  }

  it('many blobs at once on the worker, each with its own digest; an aborted one leaves nothing', async () => {
    const { store: s, dir } = await store(true);
    const blobs = Array.from({ length: 12 }, (_, i) => randomBytes(200_000 + i * 77_777));
    const writers = blobs.map(() => s.create());
    for (let off = 0; off < 1_200_000; off += 65_536) {
      await Promise.all(writers.map((w, i) => (off < blobs[i]!.length ? w.write(blobs[i]!.subarray(off, off + 65_536)) : undefined)));
    }
    const dropped = s.create();
    await dropped.write(randomBytes(100_000));
    await dropped.abort();
    const results = await Promise.all(writers.map((w) => w.commit()));
    expect(results.map((r) => r.digest)).toEqual(blobs.map((b) => sha256(b)));
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('the worker stops once idle and starts again for the next blob', async () => {
    const { store: s } = await store(true);
    for (let round = 0; round < 2; round++) {
      const data = randomBytes(300_000);
      const w = s.create();
      await w.write(data);
      expect((await w.commit()).digest).toBe(sha256(data));
      // Past the idle delay: the thread is gone, and the next create() starts a new one.
      await new Promise((r) => setTimeout(r, 400));
    }
  });

  it('the worker hashes what the file holds: a file shorter than reported fails with a clear error, a missing one too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peel-hash-'));
    dirs.push(dir);
    const data = randomBytes(1000);
    await writeFile(join(dir, 'f'), data);
    const whole = hashFileInWorker(join(dir, 'f'));
    whole.written(1000);
    expect(`sha256:${await whole.digest(1000)}`).toBe(sha256(data));
    const short = hashFileInWorker(join(dir, 'f'));
    short.written(1000);
    await expect(short.digest(5000)).rejects.toThrow(/could not hash the stored blob: the file holds 1000 bytes, 5000 were written/);
    const missing = hashFileInWorker(join(dir, 'nope'));
    await expect(missing.digest(10)).rejects.toThrow(/could not hash the stored blob: .*ENOENT/);
  });
});
