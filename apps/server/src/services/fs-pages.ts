import type { FsEntry, FsPage, ListingSort } from '@peel/api';
import type { Db } from '../store/db.js';
import type { FsRepo } from '../store/fs-repo.js';
import { AS_OF_RECORDED, COL, ListingRepo, type ListingSource, type SourceParams } from '../store/listing-repo.js';
import { encodeName } from '@peel/engine';
import { splitPath, toApiPath, toEnginePath } from '../store/image-path.js';
import { badRequest, notFound } from '../errors.js';
import { dirPrefix, rowEntry, rowKey } from './listing-rows.js';
import { layerEntry } from './entries.js';
import { compareKeys, decodeCursor, encodeCursor, KEY_SHAPES, type PageKey } from './page-key.js';
import { resolveInImage } from './resolve.js';
import { Memo } from './memo.js';
import type { ImagesService } from './images.js';
import type { ImageLayerRow } from '../store/images-repo.js';

/** What a paged listing asks for (validated by the route). */
export interface PageRequest {
  limit: number;
  cursor?: string;
  sort: ListingSort;
  /** Only the entries with this name (a lookup of one entry). */
  name?: string;
}

interface Feed {
  source: ListingSource;
  owner: number;
  params?: SourceParams;
}

interface Keyed {
  feed: Feed;
  row: unknown[];
  key: PageKey;
}

/**
 * Paged folder listings of the merged filesystem (with `deleted`, what it shadows) and of one
 * layer's own entries: keyset pages in the file tree's order, each page a few index seeks and
 * `limit` rows, whatever the folder's size.
 */
export class FsPageService {
  private readonly repo: ListingRepo;
  /**
   * How many entries a folder has as of a layer, by image id, layer, folder and deleted: a count
   * reads every row of the folder (about 100 ms for 50,000), which every page would repeat.
   */
  private readonly asOfTotals = new Memo<number>(4096);

  constructor(db: Db, private readonly images: ImagesService, private readonly fsRepo: FsRepo, private readonly layerOf: (id: string, n: number) => { layer: ImageLayerRow }) {
    this.repo = new ListingRepo(db);
  }

  /** `folderBytes: false`: folders without bytesBelow, sorted by their own size (for the draft's listings). */
  page(id: string, apiPath: string, opts: { layer?: number; deleted: boolean; asOf?: number; folderBytes?: boolean }, req: PageRequest): FsPage {
    const path = toEnginePath(apiPath);
    if (opts.asOf !== undefined) return this.asOfPage(id, path, opts.asOf, opts.deleted, req);
    if (opts.layer !== undefined) {
      const { layer } = this.layerOf(id, opts.layer);
      if (path !== '') {
        const entry = this.fsRepo.layerEntry(layer.layer, path);
        if (!entry) throw notFound(`layer ${opts.layer} of image ${id} has no ${toApiPath(path)}`);
        if (entry.type !== 'dir' && entry.type !== 'opaque') throw badRequest('NOT_A_DIRECTORY', `${toApiPath(path)} is a ${entry.type} in layer ${opts.layer}, not a directory`);
      }
      const feed = { source: 'layer' as const, owner: layer.layer };
      return this.collect([feed], path, req, () => this.repo.count('layer', feed.owner, encodeName(path)), opts.layer);
    }
    const { key } = this.images.require(id);
    const resolved = resolveInImage(this.fsRepo, key, path);
    const shadowed: Feed = { source: 'shadowed', owner: key };
    if (!resolved) {
      // A directory that a later layer deleted: only its shadowed entries remain.
      const gone = opts.deleted ? this.repo.count('shadowed', key, encodeName(path)) : 0;
      if (gone === 0) throw notFound(`no ${apiPath} in image ${id}`);
      return this.collect([shadowed], path, req, () => gone);
    }
    if (resolved.node && resolved.node.type !== 'dir') throw badRequest('NOT_A_DIRECTORY', `${apiPath} is a ${resolved.node.type}, not a directory`);
    const dir = resolved.path;
    const parent = encodeName(dir);
    // A folder's row knows how many children it has; only the root is counted.
    const live = () => resolved.node?.child_count ?? this.repo.count('nodes', key, parent);
    const nodes: Feed = { source: 'nodes', owner: key, params: { folderBytes: opts.folderBytes ?? true } };
    if (!opts.deleted) return this.collect([nodes], dir, req, live);
    return this.collect([nodes, shadowed], dir, req, () => live() + this.repo.count('shadowed', key, parent));
  }

  /**
   * A folder of the filesystem as of layer `n` (after layers 0..n), read from the index: per name
   * the version alive after layer n (listing-repo.ts). With `deleted`, also what layer n deleted
   * or overwrote, as the merged view lists what is gone.
   */
  private asOfPage(id: string, path: string, n: number, deleted: boolean, req: PageRequest): FsPage {
    const { key } = this.images.require(id);
    // The image's layers, read once for the page: folders a later layer declared again read their
    // own entry in the layer they are shown with (folderAsOf).
    const layers = this.images.repo.layers(key);
    if (!layers[n]) throw notFound(`image ${id} has no layer ${n}`);
    const params = { asOf: n };
    if (path !== '') {
      const { parent, name } = splitPath(path);
      const here = this.liveAsOf(key, encodeName(parent), encodeName(name), params);
      if (!here) throw notFound(`no ${toApiPath(path)} in image ${id} as of layer ${n}`);
      if (here[COL.type] !== 'dir') throw badRequest('NOT_A_DIRECTORY', `${toApiPath(path)} is a ${String(here[COL.type])} as of layer ${n}, not a directory`);
    }
    const parent = encodeName(path);
    const live: Feed[] = [{ source: 'asOfNodes', owner: key, params }, { source: 'asOfShadowed', owner: key, params }];
    const gone: Feed[] = deleted ? [{ source: 'lostAt', owner: key, params }] : [];
    const feeds = [...live, ...gone];
    const total = () => this.asOfTotals.get(JSON.stringify([id, n, deleted, parent.toString('base64')]), () => feeds.reduce((sum, f) => sum + this.repo.count(f.source, key, parent, f.params), 0));
    return this.collect(feeds, path, req, total, undefined, (e, row, source) => (source === 'lostAt' ? e : this.folderAsOf(layers, e, row)));
  }

  /**
   * A folder a later layer declared again is stored with that layer's attributes: as of an earlier
   * layer it has those of the layer it is shown with (its own entry there, declared or implied).
   */
  private folderAsOf(layers: ImageLayerRow[], e: FsEntry, row: unknown[]): FsEntry {
    if (e.type !== 'dir' || row[AS_OF_RECORDED] === e.layer) return e;
    const own = this.fsRepo.layerEntry(layers[e.layer].layer, toEnginePath(e.path));
    if (own?.type !== 'dir') return e;
    const { name, path, layer, size, digest, linkTarget } = e;
    return { ...layerEntry(own, layer), name, path, size, digest, linkTarget };
  }

  private liveAsOf(key: number, parent: Buffer, name: Buffer, params: SourceParams): unknown[] | undefined {
    return this.repo.named('asOfNodes', key, parent, name, params)[0] ?? this.repo.named('asOfShadowed', key, parent, name, params)[0];
  }

  /** `finish`: the last word on each item, given its raw row. */
  private collect(feeds: Feed[], dir: string, req: PageRequest, total: () => number, layer?: number, finish?: (e: FsEntry, row: unknown[], source: ListingSource) => FsEntry): FsPage {
    const shape = KEY_SHAPES[req.sort];
    const after = req.cursor === undefined ? null : decodeCursor(shape, req.cursor);
    const parent = encodeName(dir);
    let rows: Keyed[];
    let count: number;
    if (req.name !== undefined) {
      const name = encodeName(req.name);
      rows = feeds.flatMap((feed) => this.repo.named(feed.source, feed.owner, parent, name, feed.params).map((row) => ({ feed, row, key: rowKey(feed.source, req.sort, row, feed.params?.folderBytes) })));
      count = rows.length;
      rows = rows.filter((r) => after === null || compareKeys(r.key, after) > 0).sort((a, b) => compareKeys(a.key, b.key));
    } else {
      rows = feeds.flatMap((feed) => this.fetch(feed, parent, req.sort, after, req.limit + 1));
      if (feeds.length > 1) rows.sort((a, b) => compareKeys(a.key, b.key));
      count = total();
    }
    const prefix = dirPrefix(dir);
    const items: FsEntry[] = rows.slice(0, req.limit).map((r) => {
      const e = rowEntry(r.feed.source, r.row, prefix, layer, r.feed.params?.folderBytes);
      return finish ? finish(e, r.row, r.feed.source) : e;
    });
    const next = rows.length > req.limit ? encodeCursor(shape, rows[req.limit - 1].key) : null;
    return { items, total: count, next };
  }

  /** Up to n rows of one feed after `after`: its directories first, then the rest. */
  private fetch(feed: Feed, parent: Buffer, sort: ListingSort, after: PageKey | null, n: number): Keyed[] {
    const out: Keyed[] = [];
    for (const group of [0, 1] as const) {
      if (after !== null && group < (after[0] as number)) continue;
      const tail = after !== null && group === after[0] ? after.slice(1) : null;
      for (const row of this.repo.page(feed.source, sort, group, feed.owner, parent, tail, n - out.length, feed.params)) {
        out.push({ feed, row, key: rowKey(feed.source, sort, row, feed.params?.folderBytes) });
      }
      if (out.length >= n) break;
    }
    return out;
  }
}
