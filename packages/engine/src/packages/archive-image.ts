/**
 * PackageImage over what the engine has after opening an archive: every layer's entries and the
 * final merged filesystem (with what later layers deleted or overwrote kept as shadowed nodes).
 * The filesystem as of layer N is read from the same merge: a path's version at N is the one a
 * layer ≤ N wrote and no layer ≤ N removed — no second merge per layer.
 */
import type { BlobReader, BlobStore } from '../store/blob-store.js';
import type { LayerEntry } from '../types.js';
import { openEntryContent } from '../fs/content.js';
import { nodeSize, type FsNode, type MergedFs, type ShadowedNode } from '../fs/merge.js';
import { baseName, parentOf } from '../layer/normalize.js';
import { resolveLinks } from '../fs/resolve-links.js';
import type { FinalFile, LayerFiles, PackageImage } from './types.js';

export interface ArchivePackageImageInput {
  /** Each layer's entries (tar order), base first. */
  layers: ReadonlyArray<readonly LayerEntry[]>;
  /** Each layer's uncompressed tar in the store (ImageLayer.tarBlob), base first. */
  tarBlobs: readonly string[];
  store: BlobStore;
  /** The merged filesystem of `layers`, shadowed nodes kept (mergeLayers makes it so). */
  fs: MergedFs;
}

/** `/var/lib/dpkg` → `var/lib/dpkg` (the engine's paths), `/` → ''. */
const rel = (path: string) => path.replace(/^\/+/, '').replace(/\/+$/, '');

/** A PackageImage that holds open handles on the layer tars: `close` them when done. */
export type ArchivePackageImage = PackageImage & { close(): Promise<void> };

export function archivePackageImage(input: ArchivePackageImageInput): ArchivePackageImage {
  const { fs, store, tarBlobs } = input;
  // One handle per layer tar, read by position (thousands of small .list files), when the store has them.
  const readers = new Map<string, Promise<BlobReader>>();
  const bytesOf = async (tarBlob: string, entry: LayerEntry): Promise<Buffer> => {
    if (store.files && !entry.sparse) {
      let reader = readers.get(tarBlob);
      if (!reader) readers.set(tarBlob, (reader = store.files.openReader(tarBlob)));
      const buf = Buffer.alloc(entry.size);
      let got = 0;
      while (got < entry.size) {
        const { bytesRead } = await (await reader).read(buf, got, entry.size - got, entry.dataOffset + got);
        if (bytesRead === 0) throw new Error(`${entry.path}: the layer tar ends inside the file`);
        got += bytesRead;
      }
      return buf;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of openEntryContent(store, tarBlob, entry)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const sortedPaths: Array<string[] | undefined> = [];
  const pathsOf = (layer: number) => (sortedPaths[layer] ??= input.layers[layer].map((e) => e.path).sort());
  // Shadowed versions by path, per folder asked about (the merge keeps them by parent folder).
  const shadowIndex = new Map<string, Map<string, ShadowedNode[]>>();
  const shadowsOf = (path: string): ShadowedNode[] => {
    const dir = parentOf(path);
    let byPath = shadowIndex.get(dir);
    if (!byPath) {
      shadowIndex.set(dir, (byPath = new Map()));
      for (const s of fs.shadowed(dir)) {
        const list = byPath.get(s.path);
        if (list) list.push(s);
        else byPath.set(s.path, [s]);
      }
    }
    return byPath.get(path) ?? [];
  };
  /** The node at `path` in the filesystem as of `layer`. */
  const versionAt = (path: string, layer: number): FsNode | undefined => {
    for (const s of shadowsOf(path)) {
      const gone = s.deletedBy ?? s.overwrittenBy ?? Infinity;
      if (s.layer <= layer && gone > layer) return s;
    }
    const node = fs.get(path);
    if (!node) return undefined;
    // A folder written again later (its attributes merged) was there before too, when it held anything.
    return node.layer <= layer || node.entry.type === 'dir' ? node : undefined;
  };

  const asOf = (layer: number): LayerFiles => ({
    async read(path, maxBytes) {
      const r = resolveLinks(rel(path), (p) => versionAt(p, layer)?.entry);
      if (!r.found || r.path === '') return null;
      const node = versionAt(r.path, layer);
      const content = node?.content;
      if (!node || !content || (node.entry.type !== 'file' && node.entry.type !== 'hardlink')) return null;
      const size = content.entry.size;
      if (size > maxBytes) return { tooBig: size };
      if (size === 0) return Buffer.alloc(0);
      return bytesOf(tarBlobs[content.layer], content.entry);
    },
    async list(dir) {
      const r = resolveLinks(rel(dir), (p) => versionAt(p, layer)?.entry);
      if (!r.found) return [];
      const names = new Set<string>();
      for (const n of fs.children(r.path)) if (versionAt(n.path, layer)) names.add(n.name);
      for (const s of fs.shadowed(r.path)) if (versionAt(s.path, layer)) names.add(s.name);
      return [...names].sort();
    },
  });

  return {
    async close() {
      const open = [...readers.values()];
      readers.clear();
      await Promise.all(open.map(async (r) => (await r).close()));
    },
    layerCount: input.layers.length,
    async touches(layer, watches) {
      const paths = pathsOf(layer);
      for (const w of watches) {
        const watch = rel(w);
        if (w.endsWith('/') && hasPrefix(paths, `${watch}/`)) return true;
        // The path itself or a folder above it (a whiteout, an opaque marker, a replacement).
        for (let p = watch; p !== ''; p = parentOf(p)) if (has(paths, p)) return true;
      }
      return false;
    },
    asOf,
    async *finalFiles(): AsyncGenerator<FinalFile> {
      for (const node of fs.nodes()) {
        if (node.entry.type === 'file' || (node.entry.type === 'hardlink' && node.content)) yield { path: `/${node.path}`, size: nodeSize(node) };
      }
    },
    async realDir(dir) {
      const r = resolveLinks(rel(dir), (p) => fs.get(p)?.entry);
      if (!r.found) return null;
      if (r.path === '') return '/';
      return fs.get(r.path)?.entry.type === 'dir' ? `/${r.path}` : null;
    },
    async *findByName(names, limit) {
      const wanted = new Set(names);
      const seen = new Set<string>();
      const isFile = (n: FsNode) => n.entry.type === 'file' || n.entry.type === 'hardlink';
      for (const n of [fs.nodes(), fs.allShadowed()]) {
        for (const node of n) {
          if (!isFile(node) || !wanted.has(baseName(node.path)) || seen.has(node.path)) continue;
          seen.add(node.path);
          yield `/${node.path}`;
          if (seen.size >= limit) return;
        }
      }
    },
  };
}

/** First index of `paths` (sorted) not below `key`. */
function lowerBound(paths: readonly string[], key: string): number {
  let lo = 0;
  let hi = paths.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (paths[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const has = (paths: readonly string[], key: string) => paths[lowerBound(paths, key)] === key;
const hasPrefix = (paths: readonly string[], prefix: string) => paths[lowerBound(paths, prefix)]?.startsWith(prefix) ?? false;
