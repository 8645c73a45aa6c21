import type { ChangesPage, ChangeKind, FsEntry, LayerChange, SearchResult } from '@peel/api';
import { decodeName, encodeName } from '@peel/engine';
import type { ChangeRecord, ImageLayer, SearchHit, SearchQuery, Store } from '../store/index.js';
import { splitPath, toEnginePath } from '../store/image-path.js';
import { badRequest, notFound } from '../errors.js';
import { searchEntry } from './entries.js';
import type { ImagesService } from './images.js';
import { allPages, FsPageService } from './fs-pages.js';
import { decodeCursor, decodeCursorOf, encodeCursor, KEY_SHAPES } from './page-key.js';
import { Memo } from './memo.js';
import { lowerAscii } from './search-text.js';

export interface ListOptions {
  layer?: number;
  deleted?: boolean;
}

export const SEARCH_MAX_LIMIT = 1000;
/** Bytes of a hit's path a search cursor carries at most (about 1.8 times as many characters). */
const SEARCH_CURSOR_MAX_PATH = 2048;
/** Changes read at a time for an unpaged list. */
const CHANGES_CHUNK = 1000;
const ALL_CHANGE_KINDS: ChangeKind[] = ['added', 'modified', 'deleted'];
/** Layers whose change counts are kept (a few numbers each). */
const COUNTS_KEPT = 1024;

export interface ChangesPageRequest {
  limit: number;
  cursor?: string;
  kinds: ChangeKind[];
  /** Substring of the absolute path (ASCII case-insensitive). */
  q?: string;
  /** Only the change of this path. */
  path?: string;
}

/** Directory listings (merged or one layer's own), per-layer changes and search. */
export class FsService {
  /** Paged listings (`paged=1`). */
  readonly pages: FsPageService;
  /** A layer's unfiltered change counts, by image id and layer. */
  private readonly countsByLayer = new Memo<Record<ChangeKind, number>>(COUNTS_KEPT);

  constructor(private readonly store: Store, private readonly images: ImagesService) {
    this.pages = new FsPageService(store, images, (id, n) => this.layerOf(id, n));
  }

  /** Layer `n` of an image (404 for an unknown image or layer). */
  async layerOf(id: string, n: number): Promise<ImageLayer> {
    const layer = (await this.images.layers(id))[n];
    if (!layer) throw notFound(`image ${id} has no layer ${n}`);
    return layer;
  }

  /** A whole folder: every page of the paged listing, in name order. */
  list(id: string, apiPath: string, opts: ListOptions): Promise<FsEntry[]> {
    return allPages((req) => this.pages.page(id, apiPath, { layer: opts.layer, deleted: opts.deleted === true }, req));
  }

  /**
   * A layer's changes in order, `limit` of them (< 0: all) from `offset`, read a chunk at a time:
   * the unpaged list of a layer of a million files is never held whole. Checks the layer and
   * reads the first chunk before it resolves, so that those errors are the request's.
   */
  async changes(id: string, n: number, limit: number, offset: number): Promise<AsyncIterable<LayerChange[]>> {
    await this.layerOf(id, n);
    const wanted = limit < 0 ? Number.POSITIVE_INFINITY : limit;
    const first = await this.store.changes.list(id, n, Math.min(wanted, CHANGES_CHUNK), offset);
    return this.changesAfter(id, n, first, wanted);
  }

  private async *changesAfter(id: string, n: number, first: ChangeRecord[], wanted: number): AsyncGenerator<LayerChange[]> {
    let rows = first;
    let left = wanted;
    for (;;) {
      if (rows.length) yield rows.map(changeOf);
      left -= rows.length;
      if (rows.length < CHANGES_CHUNK || left <= 0) return;
      rows = await this.store.changes.page(id, n, { q: null, path: null, kinds: ALL_CHANGE_KINDS }, rows[rows.length - 1].seq, Math.min(left, CHANGES_CHUNK));
    }
  }

  /** One page of a layer's changes (`paged=1`), in the layer's order, filtered by kind, path substring or exact path. */
  async changesPage(id: string, n: number, req: ChangesPageRequest): Promise<ChangesPage> {
    await this.layerOf(id, n);
    const after = req.cursor === undefined ? -1 : (decodeCursor(KEY_SHAPES.changes, req.cursor)[0] as number);
    const filter = {
      q: req.q === undefined ? null : lowerAscii(req.q),
      path: req.path === undefined ? null : toEnginePath(req.path),
    };
    const rows = await this.store.changes.page(id, n, { ...filter, kinds: req.kinds }, after, req.limit + 1);
    // Unfiltered, the counts are the layer's own, kept: each count scans all its changes (10 ms for
    // 100,000), which every page of the list would otherwise repeat.
    const counts = filter.q === null && filter.path === null
      ? await this.countsByLayer.get(`${id}/${n}`, () => this.store.changes.counts(id, n, filter))
      : await this.store.changes.counts(id, n, filter);
    const last = rows.length > req.limit ? rows[req.limit - 1] : undefined;
    return {
      items: rows.slice(0, req.limit).map(changeOf),
      total: req.kinds.reduce((sum, k) => sum + counts[k], 0),
      next: last ? encodeCursor(KEY_SHAPES.changes, [last.seq]) : null,
      counts,
    };
  }

  /**
   * Paths in the merged filesystem (and, unless `deleted` is false, deleted or overwritten ones)
   * that contain `q` (ASCII case-insensitive) or, when `q` has `*`, `?` or `[`, match it as a
   * glob: against the name, or against the absolute path when the pattern has a `/`.
   */
  async search(id: string, q: string, opts: { deleted: boolean; limit: number; page: { offset: number } | { cursor: string } }): Promise<SearchResult> {
    await this.images.require(id);
    if (q.length === 0) throw badRequest('BAD_QUERY', 'the search query is empty');
    const glob = /[*?[]/.test(q);
    const query: SearchQuery = {
      pattern: glob ? q : lowerAscii(q),
      mode: glob ? (q.includes('/') ? 'glob-path' : 'glob-name') : 'substring',
      deleted: opts.deleted,
      limit: Math.min(opts.limit, SEARCH_MAX_LIMIT),
      ...('cursor' in opts.page ? pageAfterCursor(opts.page.cursor) : { offset: opts.page.offset }),
    };
    const { hits, total } = await this.store.fs.search(id, query);
    const last = hits.at(-1);
    const end = query.offset + hits.length;
    const next = last && end < total ? searchCursor(end - 1, total, last) : null;
    return { items: hits.map(searchEntry), total, offset: query.offset, limit: query.limit, next };
  }
}

/**
 * The cursor after `hit`, the search's hit at `position` of `total`. A hit whose path is longer
 * than SEARCH_CURSOR_MAX_PATH gives one with the position alone (the next page walks to it), so
 * that a URL holding it stays within a request's headers (Node's 16 KiB).
 */
function searchCursor(position: number, total: number, hit: SearchHit): string {
  const { parent, name } = splitPath(hit.path);
  const [parentBytes, nameBytes] = [encodeName(parent), encodeName(name)];
  if (parentBytes.length + nameBytes.length > SEARCH_CURSOR_MAX_PATH) return encodeCursor(KEY_SHAPES.searchAt, [position, total]);
  return encodeCursor(KEY_SHAPES.search, [position, total, parentBytes, nameBytes, hit.deleted ? 1 : 0, hit.seq]);
}

/**
 * The page after a search's cursor: the last hit a page held, with its position and the search's
 * total, so the store seeks past the hit and does not count again. A 400 for a cursor the search
 * cannot have given.
 */
function pageAfterCursor(cursor: string): Pick<SearchQuery, 'offset' | 'total' | 'after'> {
  const { shape, key } = decodeCursorOf([KEY_SHAPES.search, KEY_SHAPES.searchAt], cursor);
  const [position, total, parent, name, deleted, seq] = key as [number, number, Buffer?, Buffer?, number?, number?];
  const bad = position < 0 || total <= position || (shape === KEY_SHAPES.search && ((deleted !== 0 && deleted !== 1) || seq! < 0));
  if (bad) throw badRequest('BAD_CURSOR', 'cursor is not one this search gave (pass the reply\'s "next" back unchanged)');
  if (shape === KEY_SHAPES.searchAt) return { offset: position + 1, total };
  return { offset: position + 1, total, after: { parent: decodeName(parent!), name: decodeName(name!), deleted: deleted === 1, seq: seq! } };
}

/** The stored change without its position. */
function changeOf({ seq: _seq, ...change }: ChangeRecord): LayerChange {
  return change;
}
