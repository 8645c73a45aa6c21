import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { emptyDraft, exportImage, mergeLayers, openImageArchive, resolvePath, openEntryContent, type Draft, type ExportMode, type InMemorySource, type FsBlobStore, type ImageArchive } from '../../src/index.js';
import { fixture, listing, mergedOf, openFixture, tempStore } from '../helpers.js';
import { dockerArchive } from '../build.js';

let store: FsBlobStore;
let dispose: () => Promise<void>;
beforeAll(async () => ({ store, dispose } = await tempStore()));
afterAll(() => dispose());

const sourceOf = (a: ImageArchive): InMemorySource => ({ image: a.image, layers: a.image.layers.map((l) => a.layerScans.get(l.blob)!.entries) });

async function putBlob(text: string): Promise<{ blob: string; size: number }> {
  const w = store.create();
  await w.write(Buffer.from(text));
  const { digest, size } = await w.commit();
  return { blob: digest, size };
}

async function exportToBuffer(a: ImageArchive, draft: Draft, mode: ExportMode, tag = 'alpyne:latest') {
  const result = await exportImage(sourceOf(a), draft, { mode, store, tag });
  const chunks: Buffer[] = [];
  await result.write({ write: async (c) => void chunks.push(Buffer.from(c)) });
  return { result, bytes: Buffer.concat(chunks) };
}

async function readText(a: ImageArchive, path: string): Promise<string | null> {
  const fs = mergedOf(a);
  const node = resolvePath(fs, path);
  if (!node?.content) return null;
  const chunks: Buffer[] = [];
  for await (const c of openEntryContent(store, a.image.layers[node.content.layer].tarBlob, node.content.entry)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

const MODES: ExportMode[] = ['append', 'flatten', 'rewrite'];

describe('export of the ALPYNE walkthrough', () => {
  it.each(MODES)('%s: os-release edited, a file deleted, Cmd changed; the archive re-reads exactly', async (mode) => {
    const a = await openFixture('tiny-docker-legacy.tar', store);
    const alpyne = await readFile(fixture('tiny-alpyne-expected.txt'), 'utf8');
    const draft: Draft = { ...emptyDraft(), ops: [{ op: 'write', path: 'etc/os-release', ...(await putBlob(alpyne)) }, { op: 'delete', path: 'etc/shells' }], config: { Cmd: ['cat', '/etc/os-release'] } };
    const { result, bytes } = await exportToBuffer(a, draft, mode);
    expect(bytes.length).toBe(result.size);
    const b = await openImageArchive([bytes], store);
    expect(b.format).toBe('docker-oci');
    expect(b.image.tags).toEqual(['alpyne:latest']);
    expect(b.image.config.config?.Cmd).toEqual(['cat', '/etc/os-release']);
    expect(await readText(b, '/etc/os-release')).toBe(alpyne);
    expect(mergedOf(b).get('etc/shells')).toBeUndefined();
    const before = listing(mergedOf(a)).filter((l) => !l.startsWith('etc/shells\t') && !l.startsWith('etc/os-release\t') && !l.startsWith('etc\t'));
    const after = listing(mergedOf(b)).filter((l) => !l.startsWith('etc/os-release\t') && !l.startsWith('etc\t'));
    expect(after).toEqual(before);
    const nonEmpty = (b.image.config.history ?? []).filter((h) => !h.empty_layer).length;
    expect(nonEmpty).toBe(b.image.layers.length);
    if (mode === 'append') expect(b.image.layers[0].diffId).toBe(a.image.layers[0].diffId);
    if (mode === 'flatten') expect(b.image.layers).toHaveLength(1);
  });

  it('append of an unedited image keeps every layer digest and the config bytes', async () => {
    const a = await openFixture('multi-docker-legacy.tar', store);
    const { bytes } = await exportToBuffer(a, emptyDraft(), 'append', 'fixtures/multi:latest');
    const b = await openImageArchive([bytes], store);
    expect(b.image.layers.map((l) => l.digest)).toEqual(a.image.layers.map((l) => l.digest));
    expect(b.image.configDigest).toBe(a.image.configDigest);
  });

  it('zstd layers are re-encoded as gzip, never shipped as zstd', async () => {
    const a = await openFixture('multi-oci-zstd.tar', store);
    const { bytes } = await exportToBuffer(a, emptyDraft(), 'append', 'fixtures/multi:latest');
    const b = await openImageArchive([bytes], store);
    expect(new Set(b.image.layers.map((l) => l.compression))).toEqual(new Set(['gzip']));
    expect(b.image.layers.map((l) => l.diffId)).toEqual(a.image.layers.map((l) => l.diffId));
  });
});

describe('rewrite removes a deleted secret from every layer', () => {
  const SECRET = 'sk_test_FIXTURE_0123456789abcdef';
  const containsSecret = async (b: ImageArchive) => {
    for (const l of b.image.layers) {
      const bytes = await readFile(`${(store as FsBlobStore).pathOf(l.blob)}`);
      const raw = l.compression === 'gzip' ? gunzipSync(bytes) : bytes;
      if (raw.includes(SECRET)) return true;
    }
    return false;
  };

  it.each(MODES)('%s', async (mode) => {
    const a = await openFixture('multi-docker-legacy.tar', store);
    expect(await containsSecret(a)).toBe(true);
    const draft: Draft = { ...emptyDraft(), ops: [{ op: 'delete', path: 'opt/app/.env' }, { op: 'delete', path: 'var/lib/app/big.bin' }] };
    const { bytes } = await exportToBuffer(a, draft, mode, 'fixtures/multi:clean');
    const b = await openImageArchive([bytes], store);
    expect(await containsSecret(b)).toBe(mode === 'append');
    const fs = mergedOf(b);
    expect(fs.get('var/lib/app/big.bin')).toBeUndefined();
    expect(fs.get('opt/app/conf/data.hardlink')?.content?.entry.size).toBe(13);
    if (mode === 'rewrite') {
      const kept = b.image.layers.filter((l, i) => l.digest === a.image.layers[i]?.digest).length;
      expect(kept).toBe(a.image.layers.length - 4); // 0-based layers 5 (.env), 6 (its whiteout), 7 and 8 (big.bin, twice) change
      expect(b.image.history.length).toBe(a.image.history.length + 1);
    }
    // Same final filesystem as a reference: the original merged view less the deleted paths.
    const ref = listing(mergeLayers(sourceOf(a).layers)).filter((l) => !l.startsWith('var/lib/app/big.bin\t') && !/^(var|var\/lib|var\/lib\/app|opt|opt\/app)\t/.test(l));
    expect(listing(fs).filter((l) => !/^(var|var\/lib|var\/lib\/app|opt|opt\/app)\t/.test(l))).toEqual(ref);
  });
});

describe('draft edge cases the layer writer must get right', () => {
  it.each(MODES)('%s: a hard link whose file is deleted keeps the bytes (rewrite: as a copy, no link to a purged path)', async (mode) => {
    const a = await openFixture('multi-docker-legacy.tar', store);
    const before = await readText(a, 'opt/app/conf/data.hardlink');
    expect(before?.length).toBe(13);
    const { bytes } = await exportToBuffer(a, { ...emptyDraft(), ops: [{ op: 'delete', path: 'opt/app/conf/data.bin' }] }, mode);
    const b = await openImageArchive([bytes], store);
    expect(mergedOf(b).get('opt/app/conf/data.bin')).toBeUndefined();
    expect(await readText(b, 'opt/app/conf/data.hardlink')).toBe(before);
    if (mode === 'rewrite') {
      for (const l of b.image.layers) {
        for (const e of b.layerScans.get(l.blob)!.entries) expect(e.type === 'hardlink' && e.linkTarget === 'opt/app/conf/data.bin', `${e.path} in layer ${l.digest}`).toBe(false);
      }
    }
  });


  it('a folder deleted and made again ships as folder + opaque marker; a rename moves a tree', async () => {
    const a = await openFixture('multi-docker-legacy.tar', store);
    const draft: Draft = { ...emptyDraft(), ops: [
      { op: 'delete', path: 'opt/app/conf' }, { op: 'mkdir', path: 'opt/app/conf' }, { op: 'write', path: 'opt/app/conf/only.conf', ...(await putBlob('only\n')) },
      { op: 'rename', from: 'home/redis', to: 'home/valkey' }, { op: 'symlink', path: 'usr/bin/vi', target: '/bin/busybox' }, { op: 'chmod', path: 'etc/passwd', mode: 0o600 },
    ] };
    for (const mode of MODES) {
      const { bytes } = await exportToBuffer(a, draft, mode);
      const b = await openImageArchive([bytes], store);
      const fs = mergedOf(b);
      expect(fs.children('opt/app/conf').map((n) => n.name), mode).toEqual(['only.conf']);
      expect(fs.get('home/redis'), mode).toBeUndefined();
      expect(fs.get('home/valkey')?.entry.uid, mode).toBe(999);
      expect(fs.get('usr/bin/vi')?.entry.linkTarget, mode).toBe('/bin/busybox');
      expect(fs.get('etc/passwd')?.entry.mode, mode).toBe(0o600);
      expect(b.problems.filter((p) => p.severity !== 'info'), mode).toEqual([]);
      if (mode === 'append') {
        const top = b.layerScans.get(b.image.layers.at(-1)!.blob)!.entries;
        expect(top.some((e) => e.type === 'opaque' && e.path === 'opt/app/conf')).toBe(true);
        expect(top.some((e) => e.type === 'whiteout' && e.path === 'home/redis')).toBe(true);
      }
    }
  });
});

describe('export controls', () => {
  it('reports progress, takes a history text, and stops when the signal aborts', async () => {
    const a = await openFixture('multi-docker-legacy.tar', store);
    let seen = 0;
    const r = await exportImage(sourceOf(a), emptyDraft(), { mode: 'flatten', store, tag: 'x:1', createdBy: 'COPY . .', onProgress: (b) => (seen = b) });
    expect(seen).toBeGreaterThan(500_000); // gzip-compressed bytes of the new layer
    const chunks: Buffer[] = [];
    await r.write({ write: async (c) => void chunks.push(Buffer.from(c)) });
    const b = await openImageArchive([Buffer.concat(chunks)], store);
    expect(b.image.history.map((h) => h.createdBy)).toEqual(['COPY . .']);
    const ctl = new AbortController();
    ctl.abort();
    const err = await exportImage(sourceOf(a), emptyDraft(), { mode: 'flatten', store, signal: ctl.signal }).then(() => null, (e) => e);
    expect(err?.code).toBe('ABORTED');
  });

  it.each([false, true])('reads an empty file back as zero bytes (gzip layer: %s)', async (gzip) => {
    // An empty file between two with bytes, written by tar-stream (not Peel's writer).
    const bytes = await dockerArchive({ gzip, layers: [[{ name: 'etc/', type: 'directory' }, { name: 'etc/before', data: 'before\n' }, { name: 'etc/empty', data: '' }, { name: 'etc/after', data: 'after\n' }]] });
    const a = await openImageArchive([bytes], store);
    const fs = mergedOf(a);
    const read = async (path: string) => {
      const node = fs.get(path)!;
      const chunks: Buffer[] = [];
      for await (const c of openEntryContent(store, a.image.layers[node.layer].tarBlob, node.entry)) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString();
    };
    expect(fs.get('etc/empty')?.entry).toMatchObject({ type: 'file', size: 0 });
    expect(await read('etc/empty')).toBe('');
    expect(await read('etc/after')).toBe('after\n');
  });
});
