import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FsBlobStore, StreamMerge, mergeLayers, mergeSourceOf, openImageArchive, type FsNode, type ImageArchive, type LayerEntry, type LayerEntryType, type MergedFs, type OpenOptions } from '../src/index.js';

export const FIXTURES = resolve(import.meta.dirname, '../../../fixtures');
export const fixture = (name: string) => join(FIXTURES, name);

/** A fresh blob store in a temp dir, removed by `dispose`. */
export async function tempStore(): Promise<{ store: FsBlobStore; dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'peel-engine-'));
  const store = await new FsBlobStore(dir).init();
  return { store, dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Feeds a file in chunks of exactly `size` bytes (odd sizes exercise every parser boundary). */
export async function* chunked(path: string, size: number): AsyncGenerator<Buffer> {
  const data = await readFile(path);
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

export async function openFixture(name: string, store: FsBlobStore, options?: OpenOptions & { chunk?: number }): Promise<ImageArchive> {
  const input = options?.chunk ? chunked(fixture(name), options.chunk) : createReadStream(fixture(name));
  return openImageArchive(input, store, options);
}

export function mergedOf(archive: ImageArchive): MergedFs {
  return mergeLayers(archive.image.layers.map((l) => archive.layerScans.get(l.blob)!.entries));
}

/** The merged nodes as the streaming merge gives them (from the layers' runs when the archive was opened with sortedRuns). */
export async function streamedNodesOf(archive: ImageArchive): Promise<FsNode[]> {
  const merge = new StreamMerge(archive.image.layers.map((l) => mergeSourceOf(archive.layerScans.get(l.blob)!)));
  const nodes: FsNode[] = [];
  for await (const batch of merge.items()) for (const item of batch) if (item.kind === 'node') nodes.push(item.node);
  return nodes;
}

let entryOffset = 0;
/** A layer entry as the indexer would make it (a file: 3 bytes, digest `sha256:<path>`), each at its own tar offset. */
export function layerEntry(path: string, type: LayerEntryType = 'file', extra: Partial<LayerEntry> = {}): LayerEntry {
  entryOffset += 512;
  return {
    path, type, mode: type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, uname: '', gname: '', size: type === 'file' ? 3 : 0, mtime: 0,
    linkTarget: null, devMajor: 0, devMinor: 0, xattrs: null, dataOffset: entryOffset, headerOffset: entryOffset - 512,
    digest: type === 'file' ? `sha256:${path}` : null, ...extra,
  };
}

const TYPE_CHAR: Record<string, string> = { file: '-', dir: 'd', symlink: 'l', hardlink: 'h', char: 'c', block: 'b', fifo: 'p' };

/** The merged view in the fixtures' listing format: path, type, mode, uid/gid, size, link. */
export function listing(fs: MergedFs | Iterable<FsNode>): string[] {
  return [...('nodes' in fs ? fs.nodes() : fs)]
    .map((n) => [n.path, TYPE_CHAR[n.entry.type], n.entry.mode.toString(8).padStart(4, '0'), `${n.entry.uid}/${n.entry.gid}`, String(n.entry.size), n.entry.linkTarget ?? ''].join('\t'))
    .sort(byteOrder);
}

/** An oracle listing, less the root entry. */
export async function oracleListing(path: string): Promise<string[]> {
  const text = await readFile(fixture(path), 'utf8');
  return text.split('\n').filter((l) => l && !l.startsWith('.\t')).map((l) => l.replace(/\t$/, '\t')).sort(byteOrder);
}

export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export interface HistoryRow { size: number; createdBy: string }

export async function historyOracle(image: string): Promise<HistoryRow[]> {
  const text = await readFile(fixture(`${image}.oracle/docker-history-oldest-first.tsv`), 'utf8');
  return text.split('\n').filter(Boolean).map((l) => {
    const [size, ...rest] = l.split('\t');
    return { size: Number(size), createdBy: rest.join('\t') };
  });
}

/** A small PRNG, so a failure names a seed that reproduces it. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
