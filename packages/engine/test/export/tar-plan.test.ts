import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DraftView, emptyDraft, exportImage, mergeLayers, TarWriter, type BlobStore, type InMemorySource, type FsBlobStore, type ImageArchive } from '../../src/index.js';
import { ReadPlan, RangeReader } from '../../src/store/range-reader.js';
import { TarPlan } from '../../src/export/tar-plan.js';
import { planFlatLayer } from '../../src/export/flatten.js';
import { mergedBase } from '../../src/export/source.js';
import { writeNode } from './write-node.js';
import { openFixture, tempStore } from '../helpers.js';
import { TarParser, type TarHeader } from '../../src/tar/reader.js';

interface Listed { name: string; type: string; mode: number; size: number; linkName: string; digest: string }

/** Every entry of a tar with its content digest, in archive order. */
function listTar(buf: Buffer): Listed[] {
  const out: Listed[] = [];
  let hash: ReturnType<typeof createHash> | null = null;
  let cur: TarHeader | null = null;
  const parser = new TarParser({
    entry: (h) => { cur = h; hash = createHash('sha256'); },
    data: (c) => void hash!.update(c),
    entryEnd: () => {
      const h = cur!;
      out.push({ name: h.name.replace(/\/$/, ''), type: h.type, mode: h.mode, size: h.size, linkName: h.linkName, digest: hash!.digest('hex') });
    },
  });
  parser.push(buf);
  parser.end();
  return out;
}

let store: FsBlobStore;
let dispose: () => Promise<void>;
beforeAll(async () => ({ store, dispose } = await tempStore()));
afterAll(() => dispose());

const sourceOf = (a: ImageArchive): InMemorySource => ({ image: a.image, layers: a.image.layers.map((l) => a.layerScans.get(l.blob)!.entries) });

async function putBytes(b: Buffer): Promise<string> {
  const w = store.create();
  await w.write(b);
  return (await w.commit()).digest;
}

/** The same store without file paths: reads go through ranged streams. */
const streamOnly = (s: BlobStore): BlobStore => ({ create: () => s.create(), has: (d) => s.has(d), size: (d) => s.size(d), open: (d, r) => s.open(d, r), delete: (d) => s.delete(d), files: null, indexes: null });

describe('ReadPlan and RangeReader', () => {
  const blobBytes = Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 7919) % 251));

  it('coalesces many small neighbouring ranges, in any order, into few reads and returns each range exactly', async () => {
    const blob = await putBytes(blobBytes);
    // 2,000 small files 1 KiB apart, asked for in a shuffled-by-folder order (as a flatten walk asks).
    const ranges = Array.from({ length: 2000 }, (_, i) => ({ blob, start: i * 1536, end: i * 1536 + 100 + (i % 900) }));
    const order = [...ranges.filter((_, i) => i % 3 === 0), ...ranges.filter((_, i) => i % 3 !== 0)];
    const plan = new ReadPlan(order, { span: 1024 * 1024, window: 8 * 1024 * 1024 });
    expect(plan.reads.length).toBeLessThanOrEqual(4);
    for (const s of [store, streamOnly(store)]) {
      const reader = new RangeReader(s, plan);
      for (let i = 0; i < order.length; i++) {
        const parts: Buffer[] = [];
        for await (const c of reader.range(i)) parts.push(Buffer.from(c));
        expect(Buffer.concat(parts).equals(blobBytes.subarray(order[i].start, order[i].end))).toBe(true);
      }
      await reader.close();
    }
  });

  it('splits a long range into span-sized reads and interleaves two blobs', async () => {
    const a = await putBytes(blobBytes);
    const b = await putBytes(blobBytes.subarray(0, 1_000_000));
    const ranges = [{ blob: a, start: 5, end: blobBytes.length }, { blob: b, start: 0, end: 10 }, { blob: a, start: 0, end: 0 }, { blob: b, start: 999_000, end: 1_000_000 }];
    const plan = new ReadPlan(ranges, { span: 256 * 1024 });
    expect(plan.pieces[0].length).toBe(Math.ceil((blobBytes.length - 5) / (256 * 1024)));
    const reader = new RangeReader(store, plan, 512 * 1024, true);
    for (let i = 0; i < ranges.length; i++) {
      const h = createHash('sha256');
      for await (const c of reader.range(i)) h.update(c);
      const src = ranges[i].blob === a ? blobBytes : blobBytes.subarray(0, 1_000_000);
      expect(h.digest('hex')).toBe(createHash('sha256').update(src.subarray(ranges[i].start, ranges[i].end)).digest('hex'));
    }
    await reader.close();
  });

  it('fails with TRUNCATED when a blob is shorter than the index says', async () => {
    const blob = await putBytes(Buffer.alloc(1000, 1));
    const reader = new RangeReader(store, new ReadPlan([{ blob, start: 500, end: 2000 }]));
    await expect((async () => { for await (const c of reader.range(0)) void c; })()).rejects.toMatchObject({ code: 'TRUNCATED' });
    await reader.close();
  });
});

describe('flatten from a plan', () => {
  it('holds the same entries as entry-by-entry TarWriter streaming, in an order extraction can apply, on every fixture layout', async () => {
    for (const name of ['tiny-docker-legacy.tar', 'multi-oci.tar', 'multi-oci-zstd.tar', 'tiny-containerd-export.tar']) {
      const a = await openFixture(name, store);
      const source = sourceOf(a);
      const view = new DraftView(mergeLayers(source.layers), emptyDraft(), 1_700_000_000);
      const chunks: Buffer[] = [];
      const tar = new TarWriter({ write: async (c) => void chunks.push(Buffer.from(c)) });
      const linked = new Map<string, string>();
      const stack = [''];
      while (stack.length) {
        const kids = view.children(stack.pop()!).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
        for (const n of kids) await writeNode(tar, store, source, n, linked);
        for (const n of kids.filter((k) => k.type === 'dir').reverse()) stack.push(n.path);
      }
      await tar.finish();
      const planned: Buffer[] = [];
      await planFlatLayer(view, source, mergedBase(source)).write(store, { write: async (c) => void planned.push(Buffer.from(c)) });
      const reference = listTar(Buffer.concat(chunks));
      const got = listTar(Buffer.concat(planned));
      expect(got.length, name).toBe(reference.length);
      // Links are written against the first path of their group in walk order: the same in both.
      const byName = (l: Listed[]) => [...l].sort((x, y) => (x.name < y.name ? -1 : 1));
      expect(byName(got), name).toEqual(byName(reference));
      const seen = new Set<string>();
      for (const e of got) {
        const parent = e.name.includes('/') ? e.name.slice(0, e.name.lastIndexOf('/')) : null;
        if (parent !== null) expect(seen.has(parent), `${name}: ${e.name} before its folder`).toBe(true);
        if (e.type === 'hardlink') expect(seen.has(e.linkName), `${name}: link ${e.name} before ${e.linkName}`).toBe(true);
        seen.add(e.name);
      }
    }
  });

  it('the planned flat layer hashes to the diff_id of the flatten export', async () => {
    const a = await openFixture('multi-oci.tar', store);
    const source = sourceOf(a);
    const result = await exportImage(source, emptyDraft(), { mode: 'flatten', store, compression: 'none', tag: 'x:1', created: new Date(1_700_000_000_000) });
    const h = createHash('sha256');
    const size = await planFlatLayer(new DraftView(mergeLayers(source.layers), emptyDraft()), source, mergedBase(source)).write(store, { write: async (c) => void h.update(c) }, { consumes: true });
    expect(`sha256:${h.digest('hex')}`).toBe(result.layers[0].diffId);
    expect(size).toBe(result.layers[0].size);
  });

  it('writes each layer blob on its own (stored, or built from its plan) and gives the manifest and config a registry push sends', async () => {
    const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    // An uncompressed flatten of plain-tar layers is never stored: it is written from its plan.
    for (const [fixture, mode] of [['multi-oci.tar', 'append'], ['tiny-docker-legacy.tar', 'flatten']] as const) {
      const a = await openFixture(fixture, store);
      const result = await exportImage(sourceOf(a), emptyDraft(), { mode, store, compression: 'none', tag: 'x:1', created: new Date(1_700_000_000_000) });
      expect(sha(result.manifest)).toBe(result.manifestDigest);
      expect(sha(result.config)).toBe(result.configDigest);
      const manifest = JSON.parse(result.manifest.toString()) as { config: { digest: string }; layers: Array<{ digest: string; size: number }> };
      expect(manifest.config.digest).toBe(result.configDigest);
      expect(manifest.layers.map((l) => [l.digest, l.size])).toEqual(result.layers.map((l) => [l.blob, l.size]));
      if (mode === 'flatten') expect(await store.has(result.layers[0].blob)).toBe(false);
      for (const l of result.layers) {
        const chunks: Buffer[] = [];
        const n = await result.writeLayer(l.blob, { write: async (c) => void chunks.push(Buffer.from(c)) });
        expect([n, sha(Buffer.concat(chunks))]).toEqual([l.size, l.blob]);
      }
      await expect(result.writeLayer(`sha256:${'0'.repeat(64)}`, { write: async () => {} })).rejects.toMatchObject({ code: 'MISSING_BLOB' });
    }
  });

  it('stops mid-stream when the signal aborts (reads closed, ABORTED)', async () => {
    const a = await openFixture('multi-oci.tar', store);
    const ac = new AbortController();
    const result = await exportImage(sourceOf(a), emptyDraft(), { mode: 'append', store, tag: 'x:1', signal: ac.signal });
    let n = 0;
    await expect(result.write({ write: async () => void (++n === 3 && ac.abort()) })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(n).toBeLessThan(20);
  });

  it('a sparse-style stream item is written through its stream', async () => {
    const bytes = Buffer.from('hello sparse world');
    const plan = new TarPlan([{ header: { name: 'f', type: 'file', mode: 0o644, uid: 0, gid: 0, size: bytes.length, mtime: 0 }, stream: () => Readable.from([bytes]) }]);
    const out: Buffer[] = [];
    const n = await plan.write(store, { write: async (c) => void out.push(Buffer.from(c)) });
    expect(n).toBe(512 * 2 + 1024);
    expect(Buffer.concat(out).subarray(512, 512 + bytes.length).toString()).toBe('hello sparse world');
  });
});
