import { MAX_LINK_HOPS, openEntryContent, resolveLinks, type BlobStore, type FinalFile, type LayerFiles, type PackageImage } from '@peel/engine';
import type { FsEntry } from '@peel/api';
import type { ImageLayer, LayerEntryRecord, Store, StoredImage } from '../store/index.js';
import { linkTargetPath, splitPath, toApiPath, toEnginePath } from '../store/image-path.js';
import { ApiError } from '../errors.js';
import { allPages, type FsPageService } from './fs-pages.js';
import { StoredTree, walkBelow } from './compare-sides.js';
import { resolveInImage } from './resolve.js';

/**
 * A stored image as the package finder reads it, from the index only: whether a layer's own
 * entries touch some paths, the filesystem as of any layer (the merge's kept versions: fs_nodes
 * and fs_shadowed, as the as-of listings read them), and the final merged regular files.
 */
export class StoredPackageImage implements PackageImage {
  constructor(
    private readonly index: Store,
    private readonly blobs: BlobStore,
    private readonly pages: FsPageService,
    private readonly image: StoredImage,
    private readonly layers: readonly ImageLayer[],
  ) {}

  get layerCount(): number {
    return this.layers.length;
  }

  /**
   * Whether layer `n`'s own entries may have changed any of `watches` (exact paths, or folder
   * prefixes ending in '/'): an entry at a watched path or below a watched folder, or anything but
   * a plain folder (a whiteout, an opaque marker, a link, a file) at a folder above one.
   */
  async touches(n: number, watches: readonly string[]): Promise<boolean> {
    const digest = this.layers[n].layerDigest;
    const kids = new Map<string, Promise<LayerEntryRecord[]>>();
    const children = (dir: string) => {
      let list = kids.get(dir);
      if (!list) kids.set(dir, (list = this.index.fs.layerChildren(digest, dir)));
      return list;
    };
    const named = async (path: string) => {
      const { parent } = splitPath(path);
      return (await children(parent)).filter((r) => r.entry.path === path);
    };
    for (const watch of watches) {
      const folder = watch.endsWith('/');
      const path = toEnginePath(watch);
      if (path === '') return (await children('')).length > 0;
      for (let above = splitPath(path).parent; above !== ''; above = splitPath(above).parent) {
        if ((await named(above)).some((r) => r.entry.type !== 'dir')) return true;
      }
      const here = await named(path);
      if (folder ? here.some((r) => r.entry.type !== 'dir') || (await children(path)).length > 0 : here.length > 0) return true;
    }
    return false;
  }

  /** The filesystem after layers 0..n. */
  asOf(n: number): LayerFiles {
    return new AsOfLayer(this.index, this.blobs, this.pages, this.image.id, this.layers, n);
  }

  /** The final merged filesystem's regular files (a hard link counts as the file it shares), in path order. */
  async *finalFiles(): AsyncGenerator<FinalFile> {
    for await (const node of walkBelow(new StoredTree(this.index, this.image, this.layers), '')) {
      if (node.type === 'file') yield { path: toApiPath(node.path), size: node.size };
    }
  }

  /** A folder of the final filesystem with its symlinks followed, or null when there is none. */
  async realDir(dir: string): Promise<string | null> {
    const resolved = await resolveInImage(this.index, this.image.id, toEnginePath(dir));
    if (!resolved || (resolved.node && resolved.node.type !== 'dir')) return null;
    return toApiPath(resolved.path);
  }

  /** Regular files any layer wrote (live or gone since) named one of `names`, each path once, at most `limit`. */
  async *findByName(names: readonly string[], limit: number): AsyncGenerator<string> {
    const seen = new Set<string>();
    for (const name of names) {
      // A glob of the name alone, its special characters escaped, matches that exact name.
      const pattern = name.replace(/[*?[]/g, (c) => `[${c}]`);
      for (let offset = 0; seen.size < limit;) {
        const { hits } = await this.index.fs.search(this.image.id, { pattern, mode: 'glob-name', deleted: true, limit: SEARCH_PAGE, offset });
        for (const hit of hits) {
          if (hit.type !== 'file' || seen.has(hit.path) || seen.size >= limit) continue;
          seen.add(hit.path);
          yield toApiPath(hit.path);
        }
        if (hits.length < SEARCH_PAGE) break;
        offset += hits.length;
      }
    }
  }
}

const SEARCH_PAGE = 1000;

/** One layer's view: each path it resolves is asked of the index once. */
class AsOfLayer implements LayerFiles {
  private readonly nodes = new Map<string, Promise<FsEntry | undefined>>();

  constructor(
    private readonly index: Store,
    private readonly blobs: BlobStore,
    private readonly pages: FsPageService,
    private readonly id: string,
    private readonly layers: readonly ImageLayer[],
    private readonly n: number,
  ) {}

  /** The version of `path` alive after layer n, if any (never the root). */
  private node(path: string): Promise<FsEntry | undefined> {
    let found = this.nodes.get(path);
    if (!found) {
      const { parent, name } = splitPath(path);
      const owner = { image: this.id };
      const params = { asOf: this.n };
      found = (async () => (await this.index.listing.named('asOfNodes', owner, parent, name, 'name', params))[0]?.entry
        ?? (await this.index.listing.named('asOfShadowed', owner, parent, name, 'name', params))[0]?.entry)();
      this.nodes.set(path, found);
    }
    return found;
  }

  /** `path` with its symlinks followed as of layer n: its real path and entry, or null ('' is the root). */
  private async resolve(path: string): Promise<{ path: string; entry: FsEntry | null } | null> {
    const known = new Map<string, FsEntry | undefined>();
    for (;;) {
      let missing: string | null = null;
      const r = resolveLinks(path, (p) => {
        if (!known.has(p)) {
          missing = p;
          return null;
        }
        const e = known.get(p);
        return e ? { type: e.type, linkTarget: e.linkTarget } : null;
      });
      if (missing !== null) {
        known.set(missing, await this.node(missing));
        continue;
      }
      if (!r.found) return null;
      if (r.path === '') return { path: '', entry: null };
      if (!known.has(r.path)) known.set(r.path, await this.node(r.path));
      const entry = known.get(r.path);
      return entry ? { path: r.path, entry } : null;
    }
  }

  async read(path: string, maxBytes: number): Promise<Buffer | null | { tooBig: number }> {
    let current = toEnginePath(path);
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const resolved = await this.resolve(current);
      if (!resolved?.entry) return null;
      const { entry } = resolved;
      if (entry.type === 'hardlink' && entry.linkTarget !== null) {
        current = linkTargetPath(resolved.path, entry.linkTarget, true);
        continue;
      }
      if (entry.type !== 'file') return null;
      const layer = this.layers[entry.layer];
      const stored = layer && (await this.index.fs.layerEntry(layer.layerDigest, resolved.path));
      if (!stored) return null;
      if (stored.entry.type === 'hardlink' && stored.entry.linkTarget !== null) {
        current = linkTargetPath(resolved.path, stored.entry.linkTarget, true);
        continue;
      }
      if (stored.entry.type !== 'file') return null;
      if (stored.entry.size > maxBytes) return { tooBig: stored.entry.size };
      const chunks: Buffer[] = [];
      for await (const chunk of openEntryContent(this.blobs, layer.tarBlob, stored.entry)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
    return null;
  }

  async list(dir: string): Promise<string[]> {
    const resolved = await this.resolve(toEnginePath(dir));
    if (!resolved || (resolved.entry && resolved.entry.type !== 'dir')) return [];
    try {
      const entries = await allPages((req) => this.pages.page(this.id, toApiPath(resolved.path), { asOf: this.n, deleted: false }, req));
      return entries.map((e) => e.name);
    } catch (err) {
      // A folder no longer there as of this layer lists nothing.
      if (err instanceof ApiError && err.status === 404) return [];
      throw err;
    }
  }
}
