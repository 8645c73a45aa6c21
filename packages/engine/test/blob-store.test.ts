import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '../src/index.js';
import { sha256 } from './build.js';

/** The file store names a blob by the sha256 of its bytes, however they were written. */

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function store(): Promise<{ store: FsBlobStore; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'peel-blobs-'));
  dirs.push(dir);
  return { store: await new FsBlobStore(dir).init(), dir };
}

describe('FsBlobStore digests', () => {
  it('writes, batches (one writev) and settled writes give the sha256 of the bytes', async () => {
    const { store: s, dir } = await store();
    // In odd pieces, through all three ways of writing.
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

  it('many blobs at once, each with its own digest; an aborted one leaves nothing', async () => {
    const { store: s, dir } = await store();
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

  it('the same bytes committed by many writers at once: once stored, the blob never goes missing for a reader', async () => {
    // Two exports of one draft write the same new layer; one streams it while the other commits.
    const { store: s, dir } = await store();
    const data = randomBytes(64 * 1024);
    let missing = 0;
    for (let round = 0; round < 40; round++) {
      const writers = Array.from({ length: 24 }, () => s.create());
      for (const w of writers) await w.write(data);
      const commits = writers.map((w) => w.commit());
      const first = await Promise.race(commits);
      let settled = false;
      const all = Promise.all(commits).finally(() => (settled = true));
      while (!settled) {
        const seen = await Promise.all([0, 1, 2, 3].map(() => stat(s.pathOf(first.digest)).catch(() => null)));
        missing += seen.filter((st) => !st?.isFile()).length;
      }
      const results = await all;
      expect(results.every((r) => r.digest === first.digest)).toBe(true);
      await s.delete(first.digest);
    }
    expect(missing).toBe(0);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });
});
