import { MAX_LINK_HOPS, nextSlice, openEntryContent, sliceDue, resolveLinks, type BlobFiles, type BlobReader, type BlobStore, type FinalFile, type LayerEntry, type LayerFiles, type PackageImage } from '@peel/engine';
import type { EntryType, FsEntry } from '@peel/api';
import type { ImageLayer, LayerEntryRecord, NodeKey, NodeSketch, Store, StoredImage } from '../store/index.js';
import { linkTargetPath, splitPath, toApiPath, toEnginePath } from '../store/image-path.js';
import { ApiError } from '../errors.js';
import { allPages, type FsPageService } from './fs-pages.js';

/** A layer's own entries in one folder, and the same by path. */
interface LayerFolder {
  entries: LayerEntryRecord[];
  byPath: Map<string, LayerEntryRecord[]>;
}

/**
 * A stored image as the package finder reads it, from the index only: whether a layer's own
 * entries touch some paths, the filesystem as of any layer (the merge's kept versions: fs_nodes
 * and fs_shadowed, as the as-of listings read them), and the final merged regular files.
 */
export class StoredPackageImage implements PackageImage {
  /** A handle per layer tar read, kept until `close` (a database is hundreds of small reads). */
  private readonly readers = new Map<string, Promise<BlobReader>>();
  /** A layer's own entries in a folder, by layer digest and folder. */
  private readonly layerKids = new Map<string, Promise<LayerFolder>>();
  /** The layer the finder last asked about. */
  private layerRead = -1;

  constructor(
    private readonly index: Store,
    private readonly blobs: BlobStore & BlobFiles,
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
    // The finder reads the layers in order: between two, other requests are served (the queries
    // of SQLite answer at once, so awaiting them alone never lets a request in).
    if (n !== this.layerRead) {
      this.layerRead = n;
      await nextSlice();
    }
    const digest = this.layers[n].layerDigest;
    const children = async (dir: string) => (await this.layerFolder(digest, dir)).entries;
    const named = (path: string) => this.layerNamed(digest, path);
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

  /**
   * A layer's own entries in a folder, kept for the life of this object: every database asks about
   * the same folders above it, and a database's files sit in a few folders.
   */
  private layerFolder(digest: string, dir: string): Promise<LayerFolder> {
    const key = `${digest}\0${dir}`;
    let folder = this.layerKids.get(key);
    if (!folder) {
      this.layerKids.set(key, (folder = this.index.fs.layerChildren(digest, dir).then((entries) => {
        const byPath = new Map<string, LayerEntryRecord[]>();
        for (const r of entries) {
          const same = byPath.get(r.entry.path);
          if (same) same.push(r);
          else byPath.set(r.entry.path, [r]);
        }
        return { entries, byPath };
      })));
    }
    return folder;
  }

  /** A layer's own entries at a path, in tar order (a tar may repeat a path). */
  private async layerNamed(digest: string, path: string): Promise<LayerEntryRecord[]> {
    return (await this.layerFolder(digest, splitPath(path).parent)).byPath.get(path) ?? [];
  }

  /** The entry layer `layer` has for a path (the last real one when the tar repeats it). */
  private async layerEntry(layer: ImageLayer, path: string): Promise<LayerEntry | undefined> {
    const named = await this.layerNamed(layer.layerDigest, path);
    const real = named.filter((r) => !r.implicit);
    return (real.length ? real : named).at(-1)?.entry;
  }

  /** The filesystem after layers 0..n. */
  asOf(n: number): LayerFiles {
    return new AsOfLayer(this.index, this.pages, this.image.id, this.layers, n, {
      entry: (layer, path) => this.layerEntry(layer, path),
      bytes: (tarBlob, entry) => this.bytesOf(tarBlob, entry),
    });
  }

  /** A file entry's bytes, read from its layer's tar by position. */
  private async bytesOf(tarBlob: string, entry: LayerEntry): Promise<Buffer> {
    if (entry.sparse) {
      const chunks: Buffer[] = [];
      for await (const chunk of openEntryContent(this.blobs, tarBlob, entry)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
    let reader = this.readers.get(tarBlob);
    if (!reader) this.readers.set(tarBlob, (reader = this.blobs.openReader(tarBlob)));
    const bytes = Buffer.alloc(entry.size);
    let done = 0;
    while (done < entry.size) {
      const { bytesRead } = await (await reader).read(bytes, done, entry.size - done, entry.dataOffset + done);
      if (bytesRead === 0) throw new Error(`layer tar ${tarBlob} ends inside ${entry.path}`);
      done += bytesRead;
    }
    return bytes;
  }

  /** Closes the layer tars read. */
  async close(): Promise<void> {
    const readers = [...this.readers.values()];
    this.readers.clear();
    await Promise.all(readers.map(async (r) => (await r).close()));
  }

  /** The final merged filesystem's regular files (a hard link counts as the file it shares), a page of rows at a time. */
  async *finalFiles(): AsyncGenerator<FinalFile> {
    for await (const node of this.walk(['file', 'hardlink'])) {
      if (node.size !== null) yield { path: toApiPath(node.path), size: node.size };
    }
  }

  /** Merged nodes of some types, in pages of WALK_PAGE rows (other requests are served between two once a slice has run). */
  private async *walk(types: readonly EntryType[]): AsyncGenerator<NodeSketch> {
    for (let after: NodeKey | null = null; ;) {
      const page = await this.index.fs.nodesOfTypes(this.image.id, types, after, WALK_PAGE);
      yield* page;
      if (page.length < WALK_PAGE) return;
      after = splitPath(page[page.length - 1].path);
      if (sliceDue()) await nextSlice();
    }
  }

  /**
   * A folder of the final filesystem with its symlinks followed, or null when there is none. Asked
   * for the folder of every path a database lists: the image's folders and symlinks are read once
   * (a few rows per thousand files), then every folder resolves in memory.
   */
  async realDir(dir: string): Promise<string | null> {
    const links = await (this.folders ??= this.readFolders());
    const r = resolveLinks(toEnginePath(dir), (p) => links.get(p) ?? null);
    if (!r.found) return null;
    if (r.path === '') return '/';
    return links.get(r.path)?.type === 'dir' ? toApiPath(r.path) : null;
  }

  private folders: Promise<Map<string, { type: EntryType; linkTarget: string | null }>> | undefined;

  private async readFolders(): Promise<Map<string, { type: EntryType; linkTarget: string | null }>> {
    const out = new Map<string, { type: EntryType; linkTarget: string | null }>();
    for await (const n of this.walk(['dir', 'symlink'])) out.set(n.path, { type: n.type, linkTarget: n.linkTarget });
    return out;
  }

  /** Regular files any layer wrote (live or gone since) named one of `names`, each path once, at most `limit`. */
  async *findByName(names: readonly string[], limit: number): AsyncGenerator<string> {
    for (const path of await this.index.fs.filesNamed(this.image.id, names, limit)) yield toApiPath(path);
  }
}

/** Rows per page of a walk of the whole image: one page is one synchronous query on SQLite, kept short. */
const WALK_PAGE = 1000;

/** One layer's view: each path it resolves is asked of the index once. */
class AsOfLayer implements LayerFiles {
  private readonly nodes = new Map<string, Promise<FsEntry | undefined>>();

  constructor(
    private readonly index: Store,
    private readonly pages: FsPageService,
    private readonly id: string,
    private readonly layers: readonly ImageLayer[],
    private readonly n: number,
    private readonly layerFiles: {
      entry(layer: ImageLayer, path: string): Promise<LayerEntry | undefined>;
      bytes(tarBlob: string, entry: LayerEntry): Promise<Buffer>;
    },
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
      const stored = layer && (await this.layerFiles.entry(layer, resolved.path));
      if (!stored) return null;
      if (stored.type === 'hardlink' && stored.linkTarget !== null) {
        current = linkTargetPath(resolved.path, stored.linkTarget, true);
        continue;
      }
      if (stored.type !== 'file') return null;
      if (stored.size > maxBytes) return { tooBig: stored.size };
      return this.layerFiles.bytes(layer.tarBlob, stored);
    }
    return null;
  }

  async list(dir: string): Promise<string[]> {
    const resolved = await this.resolve(toEnginePath(dir));
    if (!resolved || (resolved.entry && resolved.entry.type !== 'dir')) return [];
    try {
      const entries = await allPages((req) => this.pages.page(this.id, toApiPath(resolved.path), { asOf: this.n, deleted: false }, req));
      // Kept: a database lists a folder, then reads its files.
      for (const e of entries) {
        const path = toEnginePath(e.path);
        if (!this.nodes.has(path)) this.nodes.set(path, Promise.resolve(e));
      }
      return entries.map((e) => e.name);
    } catch (err) {
      // A folder no longer there as of this layer lists nothing.
      if (err instanceof ApiError && err.status === 404) return [];
      throw err;
    }
  }
}
