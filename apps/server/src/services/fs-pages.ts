import type { FsEntry, FsPage, ListingSort } from '@peel/api';
import { encodeName } from '@peel/engine';
import type { ImageLayer, ListingOwner, ListingRow, ListingSource, SourceParams, Store } from '../store/index.js';
import { splitPath, toApiPath, toEnginePath } from '../store/image-path.js';
import { badRequest, notFound } from '../errors.js';
import { layerEntry } from './entries.js';
import { compareKeys, decodeCursor, encodeCursor, KEY_SHAPES, type PageKey } from './page-key.js';
import { resolveInImage } from './resolve.js';
import { Memo } from './memo.js';
import type { ImagesService } from './images.js';

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
  owner: ListingOwner;
  params?: SourceParams;
}

interface Keyed {
  feed: Feed;
  row: ListingRow;
}

/** Rows per page when a whole folder is read page by page. */
const WHOLE_FOLDER_PAGE = 5000;

/**
 * A whole folder (the unpaged listings), read with the paged code page by page, in name order:
 * names compare as bytes, what is live before the versions that are gone (those by the layer
 * that ended them).
 */
export async function allPages(page: (req: PageRequest) => Promise<FsPage>): Promise<FsEntry[]> {
  const items: FsEntry[] = [];
  let cursor: string | undefined;
  do {
    const p = await page({ limit: WHOLE_FOLDER_PAGE, sort: 'name', cursor });
    items.push(...p.items);
    cursor = p.next ?? undefined;
  } while (cursor !== undefined);
  const names = new Map(items.map((e) => [e.name, encodeName(e.name)]));
  return items.sort(byName(names));
}

const byName = (names: Map<string, Buffer>) => (a: FsEntry, b: FsEntry): number =>
  Buffer.compare(names.get(a.name)!, names.get(b.name)!) || (a.deletedBy ?? a.overwrittenBy ?? -1) - (b.deletedBy ?? b.overwrittenBy ?? -1);

/**
 * Paged folder listings of the merged filesystem (with `deleted`, what it shadows) and of one
 * layer's own entries: keyset pages in the file tree's order, each page a few index seeks and
 * `limit` rows, whatever the folder's size.
 */
export class FsPageService {
  /**
   * How many entries a folder has as of a layer, by image id, layer, folder and deleted: a count
   * reads every row of the folder (about 100 ms for 50,000), which every page would repeat.
   */
  private readonly asOfTotals = new Memo<number>(4096);

  constructor(private readonly store: Store, private readonly images: ImagesService, private readonly layerOf: (id: string, n: number) => Promise<ImageLayer>) {}

  /** `folderBytes: false`: folders without bytesBelow, sorted by their own size (for the draft's listings). */
  async page(id: string, apiPath: string, opts: { layer?: number; deleted: boolean; asOf?: number; folderBytes?: boolean }, req: PageRequest): Promise<FsPage> {
    const path = toEnginePath(apiPath);
    if (opts.asOf !== undefined) return this.asOfPage(id, path, opts.asOf, opts.deleted, req);
    if (opts.layer !== undefined) {
      const layer = await this.layerOf(id, opts.layer);
      return this.layerPage({ layerDigest: layer.layerDigest, layerIndex: opts.layer }, apiPath, `layer ${opts.layer} of image ${id}`, req);
    }
    await this.images.require(id);
    const owner = { image: id };
    const resolved = await resolveInImage(this.store, id, path);
    const shadowed: Feed = { source: 'shadowed', owner };
    if (!resolved) {
      // A directory that a later layer deleted: only its shadowed entries remain.
      const gone = opts.deleted ? await this.store.listing.count('shadowed', owner, path) : 0;
      if (gone === 0) throw notFound(`no ${apiPath} in image ${id}`);
      return this.collect([shadowed], path, req, async () => gone);
    }
    if (resolved.node && resolved.node.type !== 'dir') throw badRequest('NOT_A_DIRECTORY', `${apiPath} is a ${resolved.node.type}, not a directory`);
    const dir = resolved.path;
    // A folder's row knows how many children it has; only the root is counted.
    const live = async () => resolved.node?.childCount ?? this.store.listing.count('nodes', owner, dir);
    const nodes: Feed = { source: 'nodes', owner, params: { folderBytes: opts.folderBytes ?? true } };
    if (!opts.deleted) return this.collect([nodes], dir, req, live);
    return this.collect([nodes, shadowed], dir, req, async () => (await live()) + (await this.store.listing.count('shadowed', owner, dir)));
  }

  /**
   * A folder of one stored layer's own entries, shown as layer `layerIndex`: a layer of an image,
   * or one an open from a registry has indexed already. `label` names the layer in errors.
   */
  async layerPage(layer: { layerDigest: string; layerIndex: number }, apiPath: string, label: string, req: PageRequest): Promise<FsPage> {
    const path = toEnginePath(apiPath);
    if (path !== '') {
      const stored = await this.store.fs.layerEntry(layer.layerDigest, path);
      if (!stored) throw notFound(`${label} has no ${toApiPath(path)}`);
      if (stored.entry.type !== 'dir' && stored.entry.type !== 'opaque') throw badRequest('NOT_A_DIRECTORY', `${toApiPath(path)} is a ${stored.entry.type} in layer ${layer.layerIndex}, not a directory`);
    }
    const feed: Feed = { source: 'layer', owner: layer };
    return this.collect([feed], path, req, () => this.store.listing.count('layer', layer, path));
  }

  /**
   * A folder of the filesystem as of layer `n` (after layers 0..n), read from the index: per name
   * the version alive after layer n. With `deleted`, also what layer n deleted or overwrote, as
   * the merged view lists what is gone.
   */
  private async asOfPage(id: string, path: string, n: number, deleted: boolean, req: PageRequest): Promise<FsPage> {
    // The image's layers, read once for the page: folders a later layer declared again read their
    // own entry in the layer they are shown with (folderAsOf).
    const layers = await this.images.layers(id);
    if (!layers[n]) throw notFound(`image ${id} has no layer ${n}`);
    const owner = { image: id };
    const params = { asOf: n };
    if (path !== '') {
      const { parent, name } = splitPath(path);
      const here = (await this.store.listing.named('asOfNodes', owner, parent, name, req.sort, params))[0]
        ?? (await this.store.listing.named('asOfShadowed', owner, parent, name, req.sort, params))[0];
      if (!here) throw notFound(`no ${toApiPath(path)} in image ${id} as of layer ${n}`);
      if (here.entry.type !== 'dir') throw badRequest('NOT_A_DIRECTORY', `${toApiPath(path)} is a ${here.entry.type} as of layer ${n}, not a directory`);
    }
    const live: Feed[] = [{ source: 'asOfNodes', owner, params }, { source: 'asOfShadowed', owner, params }];
    const gone: Feed[] = deleted ? [{ source: 'lostAt', owner, params }] : [];
    const feeds = [...live, ...gone];
    const total = () => this.asOfTotals.get(JSON.stringify([id, n, deleted, path]), async () => {
      let sum = 0;
      for (const f of feeds) sum += await this.store.listing.count(f.source, owner, path, f.params);
      return sum;
    });
    return this.collect(feeds, path, req, total, (row, source) => (source === 'lostAt' ? Promise.resolve(row.entry) : this.folderAsOf(layers, row)));
  }

  /**
   * A folder a later layer declared again is stored with that layer's attributes: as of an earlier
   * layer it has those of the layer it is shown with (its own entry there, declared or implied).
   */
  private async folderAsOf(layers: ImageLayer[], row: ListingRow): Promise<FsEntry> {
    const e = row.entry;
    if (e.type !== 'dir' || row.recorded === e.layer) return e;
    const own = await this.store.fs.layerEntry(layers[e.layer].layerDigest, toEnginePath(e.path));
    if (own?.entry.type !== 'dir') return e;
    const { name, path, layer, size, digest, linkTarget } = e;
    return { ...layerEntry(own, layer), name, path, size, digest, linkTarget };
  }

  /** `finish`: the last word on each item, given its row. */
  private async collect(feeds: Feed[], dir: string, req: PageRequest, total: () => Promise<number>, finish?: (row: ListingRow, source: ListingSource) => Promise<FsEntry>): Promise<FsPage> {
    const shape = KEY_SHAPES[req.sort];
    const after = req.cursor === undefined ? null : decodeCursor(shape, req.cursor);
    let rows: Keyed[];
    let count: number;
    if (req.name !== undefined) {
      const name = req.name;
      rows = (await Promise.all(feeds.map(async (feed) => (await this.store.listing.named(feed.source, feed.owner, dir, name, req.sort, feed.params)).map((row) => ({ feed, row }))))).flat();
      count = rows.length;
      rows = rows.filter((r) => after === null || compareKeys(r.row.key, after) > 0).sort((a, b) => compareKeys(a.row.key, b.row.key));
    } else {
      rows = [];
      for (const feed of feeds) rows.push(...(await this.fetch(feed, dir, req.sort, after, req.limit + 1)));
      if (feeds.length > 1) rows.sort((a, b) => compareKeys(a.row.key, b.row.key));
      count = await total();
    }
    const shown = rows.slice(0, req.limit);
    const items: FsEntry[] = finish ? await Promise.all(shown.map((r) => finish(r.row, r.feed.source))) : shown.map((r) => r.row.entry);
    const next = rows.length > req.limit ? encodeCursor(shape, rows[req.limit - 1].row.key) : null;
    return { items, total: count, next };
  }

  /** Up to n rows of one feed after `after`: its directories first, then the rest. */
  private async fetch(feed: Feed, dir: string, sort: ListingSort, after: PageKey | null, n: number): Promise<Keyed[]> {
    const out: Keyed[] = [];
    for (const group of [0, 1] as const) {
      if (after !== null && group < (after[0] as number)) continue;
      const tail = after !== null && group === after[0] ? after.slice(1) : null;
      for (const row of await this.store.listing.page(feed.source, sort, group, feed.owner, dir, tail, n - out.length, feed.params)) out.push({ feed, row });
      if (out.length >= n) break;
    }
    return out;
  }
}
