import type { FsLookup, FsNode, LayerEntry, LayerEntryType } from '@peel/engine';
import type { FsRepo, NodeRow } from '../store/fs-repo.js';
import type { ImageLayerRow } from '../store/images-repo.js';
import { decodeName } from '@peel/engine';
import { joinPath } from '../store/image-path.js';
import { toLayerEntry } from './entries.js';

/**
 * An image's merged filesystem as the engine's FsLookup, read from the indexed rows on demand,
 * so a DraftView works on an image of any size without loading it. Lookups are memoised for
 * the life of the object (one request): a draft replay asks for the same paths many times.
 */
export class ImageFsLookup implements FsLookup {
  private readonly nodes = new Map<string, FsNode | undefined>();
  private readonly kids = new Map<string, FsNode[]>();
  private readonly rows = new Map<string, NodeRow | undefined>();

  constructor(
    private readonly repo: FsRepo,
    private readonly image: number,
    private readonly layers: readonly ImageLayerRow[],
    /** Content bytes below a folder, answered by the store without listing it. */
    private readonly bytesBelow: (dir: string) => number,
  ) {}

  /**
   * Lets the engine size a folder of 100k files without a walk: the figure the index stored with
   * the folder's row, else (the root, which has no row) one query.
   */
  subtreeSize(path: string): number {
    return (path === '' ? undefined : this.row(path)?.bytes_below) ?? this.bytesBelow(path);
  }

  /** A folder's entry count, as the index stored it (no listing; the root has no row). */
  childCount(path: string): number {
    return path === '' ? this.children('').length : (this.row(path)?.child_count ?? 0);
  }

  get(path: string): FsNode | undefined {
    if (this.nodes.has(path)) return this.nodes.get(path);
    const row = this.row(path);
    const node = row && this.toNode(path, row);
    this.nodes.set(path, node);
    return node;
  }

  children(dir: string): FsNode[] {
    let list = this.kids.get(dir);
    if (!list) {
      list = this.repo.children(this.image, dir).map((row) => {
        const path = joinPath(dir, decodeName(row.name));
        this.rows.set(path, row);
        const node = this.nodes.get(path) ?? this.toNode(path, row);
        this.nodes.set(path, node);
        return node;
      });
      this.kids.set(dir, list);
    }
    return list;
  }

  hasShadowed(path: string): boolean {
    return this.repo.hasShadowed(this.image, path);
  }

  /** The stored row of a path (for listings that show the stored details as they are). */
  row(path: string): NodeRow | undefined {
    if (!this.rows.has(path)) this.rows.set(path, this.repo.node(this.image, path));
    return this.rows.get(path);
  }

  /** The uncompressed tar of layer `n` (where an image node's bytes are). */
  tarBlob(n: number): string {
    const layer = this.layers[n];
    if (!layer) throw new Error(`image ${this.image} has no layer ${n}`);
    return layer.tar_blob;
  }

  private toNode(path: string, row: NodeRow): FsNode {
    const entry = ownEntry(path, row);
    let content: FsNode['content'] = null;
    if (row.content_layer !== null && row.content_seq !== null) {
      const stored = this.repo.entryBySeq(this.layers[row.content_layer].layer, row.content_seq);
      if (!stored) throw new Error(`the index of image ${this.image} lost the content of ${path}`);
      content = { layer: row.content_layer, entry: toLayerEntry(stored) };
    }
    const slash = path.lastIndexOf('/');
    return {
      path,
      name: path.slice(slash + 1),
      // A file's own entry is its content entry (with its offsets); others carry no bytes.
      entry: row.type === 'file' && content ? content.entry : entry,
      layer: row.layer,
      content,
      implicit: row.implicit === 1,
    };
  }
}

function ownEntry(path: string, row: NodeRow): LayerEntry {
  return {
    path,
    type: row.type as LayerEntryType,
    mode: row.mode,
    uid: row.uid,
    gid: row.gid,
    uname: row.uname,
    gname: row.gname,
    size: row.size,
    mtime: row.mtime,
    linkTarget: row.link_target === null ? null : decodeName(row.link_target),
    devMajor: row.dev_major,
    devMinor: row.dev_minor,
    xattrs: row.xattrs === null ? null : (JSON.parse(row.xattrs) as Record<string, string>),
    dataOffset: 0,
    headerOffset: 0,
    digest: row.digest,
  };
}
