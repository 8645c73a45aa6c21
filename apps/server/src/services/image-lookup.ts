import type { FsNode, LayerEntry, LoadingFsLookup } from '@peel/engine';
import { parentOf } from '@peel/engine';
import type { FsNodeRecord, ImageId, ImageLayer, Store } from '../store/index.js';

/** A lookup the engine made that the store has not answered yet: fetched, then the work is redone. */
class NotLoaded extends Error {
  constructor(readonly load: () => Promise<void>) {
    super('not loaded yet');
  }
}

/**
 * An image's merged filesystem as the engine's FsLookup, read from the store on demand, so a
 * DraftView works on an image of any size without loading it. The engine asks synchronously and
 * the store answers asynchronously: a question not answered yet throws NotLoaded, and `settle`
 * fetches the answer and runs the engine's work again (it is pure, and every answer is kept for
 * the life of the object — one request — so each is fetched once).
 */
export class ImageFsLookup implements LoadingFsLookup {
  private readonly nodes = new Map<string, FsNode | undefined>();
  private readonly kids = new Map<string, FsNode[]>();
  private readonly rows = new Map<string, FsNodeRecord | undefined>();
  private readonly shadowed = new Map<string, boolean>();
  private readonly below = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly image: ImageId,
    private readonly layers: readonly ImageLayer[],
    /** Content bytes below a folder, kept across requests (images never change). */
    private readonly bytesBelow: (dir: string) => Promise<number>,
  ) {}

  /** Runs `work` (which asks this lookup synchronously) until every answer it needs is loaded. */
  async settle<T>(work: () => T): Promise<T> {
    for (;;) {
      try {
        return work();
      } catch (e) {
        if (!(e instanceof NotLoaded)) throw e;
        await e.load();
      }
    }
  }

  /** Loads paths (and their ancestors) up front: the work that follows asks for them. */
  async preload(paths: Iterable<string>): Promise<void> {
    const wanted = new Set<string>();
    for (let p of paths) {
      while (p !== '' && !wanted.has(p)) {
        wanted.add(p);
        p = parentOf(p);
      }
    }
    await Promise.all([...wanted].filter((p) => !this.rows.has(p)).map((p) => this.loadRow(p)));
  }

  /**
   * Lets the engine size a folder of 100k files without a walk: the figure the index stored with
   * the folder's row, else (the root, which has no row) one query.
   */
  subtreeSize(path: string): number {
    const stored = path === '' ? undefined : this.row(path)?.bytesBelow;
    if (stored !== undefined && stored !== null) return stored;
    if (!this.below.has(path)) throw new NotLoaded(async () => void this.below.set(path, await this.bytesBelow(path)));
    return this.below.get(path)!;
  }

  /** A folder's entry count, as the index stored it (no listing; the root has no row). */
  childCount(path: string): number {
    return path === '' ? this.children('').length : (this.row(path)?.childCount ?? 0);
  }

  get(path: string): FsNode | undefined {
    if (this.nodes.has(path)) return this.nodes.get(path);
    const row = this.row(path);
    const node = row && this.toNode(row);
    this.nodes.set(path, node);
    return node;
  }

  children(dir: string): FsNode[] {
    const list = this.kids.get(dir);
    if (list) return list;
    throw new NotLoaded(async () => {
      // With each file's content entry, in one read: a flatten reads every folder of the image.
      const listed = await this.store.fs.childrenWithContent(this.image, dir);
      const rows = listed.map(({ node, content }) => {
        this.rows.set(node.path, node);
        if (content) this.contents.set(contentKeyOf(node)!, content);
        return node;
      });
      this.kids.set(dir, rows.map((row) => {
        const node = this.nodes.get(row.path) ?? this.toNode(row);
        this.nodes.set(row.path, node);
        return node;
      }));
    });
  }

  /**
   * Forgets a folder's listing and what was loaded with it (its children's rows, nodes and
   * content entries): a walk over the whole image (a flatten) holds one folder at a time.
   */
  release(dir: string): void {
    const kids = this.kids.get(dir);
    if (!kids) return;
    this.kids.delete(dir);
    for (const node of kids) {
      const key = contentKeyOf(this.rows.get(node.path));
      if (key !== null) this.contents.delete(key);
      this.rows.delete(node.path);
      this.nodes.delete(node.path);
    }
  }

  hasShadowed(path: string): boolean {
    const known = this.shadowed.get(path);
    if (known !== undefined) return known;
    throw new NotLoaded(async () => void this.shadowed.set(path, await this.store.fs.hasShadowed(this.image, path)));
  }

  /** The stored record of a path (for listings that show the stored details as they are). */
  row(path: string): FsNodeRecord | undefined {
    if (!this.rows.has(path)) throw new NotLoaded(() => this.loadRow(path));
    return this.rows.get(path);
  }

  /** The uncompressed tar of layer `n` (where an image node's bytes are). */
  tarBlob(n: number): string {
    const layer = this.layers[n];
    if (!layer) throw new Error(`image ${this.image} has no layer ${n}`);
    return layer.tarBlob;
  }

  private readonly contents = new Map<string, LayerEntry>();

  private async loadRow(path: string): Promise<void> {
    const row = await this.store.fs.node(this.image, path);
    if (row) await this.loadContent(row);
    this.rows.set(path, row);
  }

  private async loadContent(row: FsNodeRecord): Promise<void> {
    if (row.contentLayer === null || row.contentSeq === null) return;
    const key = contentKeyOf(row)!;
    if (this.contents.has(key)) return;
    const layer = this.layers[row.contentLayer];
    const stored = layer && (await this.store.fs.entryBySeq(layer.layerDigest, row.contentSeq));
    if (!stored) throw new Error(`the index of image ${this.image} lost the content of ${row.path}`);
    this.contents.set(key, stored.entry);
  }

  private toNode(row: FsNodeRecord): FsNode {
    const entry = ownEntry(row);
    const key = contentKeyOf(row);
    const content: FsNode['content'] = key === null ? null : { layer: row.contentLayer!, entry: this.contents.get(key)! };
    return {
      path: row.path,
      name: row.name,
      // A file's own entry is its content entry (with its offsets); others carry no bytes.
      entry: row.type === 'file' && content ? content.entry : entry,
      layer: row.layer,
      content,
      implicit: row.implicit,
    };
  }
}

/** Where a node's bytes are, as the key of `contents` (null: it has none). */
function contentKeyOf(row: FsNodeRecord | undefined): string | null {
  return row && row.contentLayer !== null && row.contentSeq !== null ? `${row.contentLayer}/${row.contentSeq}` : null;
}

function ownEntry(row: FsNodeRecord): LayerEntry {
  return {
    path: row.path,
    type: row.type,
    mode: row.mode,
    uid: row.uid,
    gid: row.gid,
    uname: row.uname,
    gname: row.gname,
    size: row.size,
    mtime: row.mtime,
    linkTarget: row.linkTarget,
    devMajor: row.devMajor,
    devMinor: row.devMinor,
    xattrs: row.xattrs,
    dataOffset: 0,
    headerOffset: 0,
    digest: row.digest,
  };
}
