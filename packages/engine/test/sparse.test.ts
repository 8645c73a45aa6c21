import { closeSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore, openEntryContent, type LayerEntry } from '../src/index.js';
import { LayerIndexer } from '../src/layer/indexer.js';
import { gnuTar, makeTmpDir } from './tar/helpers.js';

/**
 * Sparse files written by GNU tar in each of its sparse formats: indexed with their real size,
 * hashed over their expanded bytes, and read back (whole and in ranges) with the holes as zeros,
 * exactly as the file was on disk.
 */
let dir = '';
let remove: () => void = () => {};
let store: FsBlobStore;

const MiB = 1 << 20;
/** name → where its data regions are: [offset, text] */
const FILES: Record<string, Array<[number, string]>> = {
  'holes.bin': [[0, 'head'], [2 * MiB, 'middle'], [5 * MiB - 4, 'tail']],
  'hole-first.bin': [[3 * MiB, 'late data'], [3 * MiB + 70_000, 'more']],
  'trailing-hole.bin': [[10, 'x'.repeat(5000)]],
};
const SIZES: Record<string, number> = { 'holes.bin': 5 * MiB, 'hole-first.bin': 3 * MiB + 70_004, 'trailing-hole.bin': 4 * MiB };

beforeAll(async () => {
  ({ dir, remove } = makeTmpDir());
  for (const [name, regions] of Object.entries(FILES)) {
    const fd = openSync(join(dir, name), 'w');
    for (const [at, text] of regions) writeSync(fd, Buffer.from(text), 0, text.length, at);
    closeSync(fd);
    truncateSync(join(dir, name), SIZES[name]); // a trailing hole

  }
  store = await new FsBlobStore(join(dir, 'store')).init();
});
afterAll(() => remove());

async function index(tar: Buffer): Promise<{ entries: LayerEntry[]; tarBlob: string }> {
  const indexer = new LayerIndexer('test layer', { maxBytes: 1 << 30, maxEntries: 1000 });
  for (let i = 0; i < tar.length; i += 4099) indexer.push(tar.subarray(i, i + 4099));
  const { entries } = indexer.finish();
  const w = store.create();
  await w.write(tar);
  const { digest } = await w.commit();
  return { entries, tarBlob: digest };
}

async function read(tarBlob: string, entry: LayerEntry, range?: { start: number; end?: number }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of openEntryContent(store, tarBlob, entry, range)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe.each([
  ['old GNU (S entries)', ['--format=gnu']],
  ['PAX 0.1', ['--format=pax', '--sparse-version=0.1']],
  ['PAX 1.0', ['--format=pax', '--sparse-version=1.0']],
])('sparse files, %s', (_label, args) => {
  let layer: { entries: LayerEntry[]; tarBlob: string };
  beforeAll(async () => {
    layer = await index(gnuTar(['-cf', '-', '--sparse', ...args, '-C', dir, ...Object.keys(FILES)]));
  });

  for (const name of Object.keys(FILES)) {
    it(`${name}: real size, data regions, digest and bytes of the expanded file`, async () => {
      const onDisk = readFileSync(join(dir, name));
      const entry = layer.entries.find((e) => e.path === name)!;
      expect(entry).toMatchObject({ type: 'file', size: onDisk.length });
      expect(entry.sparse?.length, 'GNU tar stored it sparse').toBeGreaterThan(0);
      expect(entry.digest).toBe(sha(onDisk));
      expect((await read(layer.tarBlob, entry)).equals(onDisk)).toBe(true);
    });
  }

  it('ranges that start, end and straddle holes and regions read the same bytes as the file', async () => {
    const onDisk = readFileSync(join(dir, 'holes.bin'));
    const entry = layer.entries.find((e) => e.path === 'holes.bin')!;
    const cuts: Array<[number, number]> = [[0, 2], [2, 10], [3, 2 * MiB + 3], [2 * MiB - 1, 2 * MiB + 6], [2 * MiB + 2, 2 * MiB + 4], [MiB, MiB + 10], [5 * MiB - 6, 5 * MiB], [5 * MiB - 2, 9 * MiB], [7, 7]];
    for (const [start, end] of cuts) {
      const got = await read(layer.tarBlob, entry, { start, end });
      expect(got.equals(onDisk.subarray(start, end)), `[${start}, ${end})`).toBe(true);
    }
  });
});

describe('sparse holes are bounded work', () => {
  it('a layer whose holes exceed what may be hashed still indexes, without a digest for that file', async () => {
    // One 512-byte region at the end of a 2 GiB file: the tar is tiny, the holes are not.
    const real = 2 * 1024 ** 3;
    const sparse = Buffer.alloc(24);
    sparse.write(`${(real - 512).toString(8).padStart(11, '0')}\0`, 0, 'latin1');
    sparse.write(`${(512).toString(8).padStart(11, '0')}\0`, 12, 'latin1');
    const h = Buffer.alloc(512);
    h.write('big-hole.bin', 0, 'latin1');
    h.write('0000644\0', 100, 'latin1');
    h.write('0000000\0', 108, 'latin1');
    h.write('0000000\0', 116, 'latin1');
    h.write(`${(512).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write('00000000000\0', 136, 'latin1');
    h.write('S', 156, 'latin1');
    h.write('ustar  \0', 257, 'latin1');
    sparse.copy(h, 386);
    h.write(`${real.toString(8).padStart(11, '0')}\0`, 483, 'latin1');
    h.fill(' ', 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const tar = Buffer.concat([h, Buffer.alloc(512, 0x41), Buffer.alloc(1024)]);
    const indexer = new LayerIndexer('big hole', { maxBytes: 1 << 30, maxEntries: 10 });
    indexer.push(tar);
    const { entries, problems } = indexer.finish();
    expect(entries[0]).toMatchObject({ path: 'big-hole.bin', size: real, digest: null, sparse: [{ offset: real - 512, length: 512 }] });
    expect(problems.map((p) => p.code)).toEqual(expect.arrayContaining(['SPARSE_FILE', 'SPARSE_NOT_HASHED']));
  });
});
