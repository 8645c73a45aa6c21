import type { ChangesPage, ChangeKind, FsEntry, LayerChange, SearchResult } from '@peel/api';
import type { Db } from '../store/db.js';
import { FsRepo, type SearchQuery } from '../store/fs-repo.js';
import { ChangesRepo, type ChangeRow } from '../store/changes-repo.js';
import type { ImageLayerRow } from '../store/images-repo.js';
import { decodeName, encodeName } from '@peel/engine';
import { toApiPath, toEnginePath } from '../store/image-path.js';
import { badRequest, notFound } from '../errors.js';
import { layerEntry, mergedEntry, searchEntry, shadowedEntry } from './entries.js';
import { resolveInImage } from './resolve.js';
import type { ImagesService } from './images.js';
import { FsPageService } from './fs-pages.js';
import { decodeCursor, encodeCursor, KEY_SHAPES } from './page-key.js';
import { Memo } from './memo.js';

export interface ListOptions {
  layer?: number;
  deleted?: boolean;
}

export const SEARCH_MAX_LIMIT = 1000;
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
  readonly repo: FsRepo;
  /** Paged listings (`paged=1`). */
  readonly pages: FsPageService;
  private readonly changesRepo: ChangesRepo;
  /** A layer's unfiltered change counts, by image id and layer. */
  private readonly countsByLayer = new Memo<Record<ChangeKind, number>>(COUNTS_KEPT);

  constructor(db: Db, private readonly images: ImagesService) {
    this.repo = new FsRepo(db);
    this.changesRepo = new ChangesRepo(db);
    this.pages = new FsPageService(db, images, this.repo, (id, n) => this.layerOf(id, n));
  }

  /** The image key and its layer `n` (404 for an unknown image or layer). */
  layerOf(id: string, n: number): { key: number; layer: ImageLayerRow } {
    const { key } = this.images.require(id);
    const layer = this.images.repo.layers(key)[n];
    if (!layer) throw notFound(`image ${id} has no layer ${n}`);
    return { key, layer };
  }

  list(id: string, apiPath: string, opts: ListOptions): FsEntry[] {
    const path = toEnginePath(apiPath);
    if (opts.layer !== undefined) return this.listLayer(id, path, opts.layer);
    const { key } = this.images.require(id);
    const resolved = resolveInImage(this.repo, key, path);
    if (!resolved) {
      // A directory that a later layer deleted: only its shadowed entries remain.
      const gone = opts.deleted ? this.repo.shadowedIn(key, path) : [];
      if (gone.length === 0) throw notFound(`no ${apiPath} in image ${id}`);
      return gone.map(shadowedEntry);
    }
    if (resolved.node && resolved.node.type !== 'dir') throw badRequest('NOT_A_DIRECTORY', `${apiPath} is a ${resolved.node.type}, not a directory`);
    const entries = this.repo.children(key, resolved.path).map(mergedEntry);
    if (!opts.deleted) return entries;
    return [...entries, ...this.repo.shadowedIn(key, resolved.path).map(shadowedEntry)].sort(byName);
  }

  private listLayer(id: string, path: string, n: number): FsEntry[] {
    const { layer } = this.layerOf(id, n);
    if (path !== '') {
      const entry = this.repo.layerEntry(layer.layer, path);
      if (!entry) throw notFound(`layer ${n} of image ${id} has no ${toApiPath(path)}`);
      if (entry.type !== 'dir' && entry.type !== 'opaque') throw badRequest('NOT_A_DIRECTORY', `${toApiPath(path)} is a ${entry.type} in layer ${n}, not a directory`);
    }
    return this.repo.layerChildren(layer.layer, path).map((row) => layerEntry(row, n));
  }

  changes(id: string, n: number, limit: number, offset: number): LayerChange[] {
    const { key } = this.layerOf(id, n);
    return this.changesRepo.changes(key, n, limit, offset).map(changeOf);
  }

  /** One page of a layer's changes (`paged=1`), in the layer's order, filtered by kind, path substring or exact path. */
  changesPage(id: string, n: number, req: ChangesPageRequest): ChangesPage {
    const { key } = this.layerOf(id, n);
    const after = req.cursor === undefined ? -1 : (decodeCursor(KEY_SHAPES.changes, req.cursor)[0] as number);
    const filter = {
      q: req.q === undefined ? null : encodeName(req.q.replace(/[A-Z]/g, (c) => c.toLowerCase())),
      path: req.path === undefined ? null : encodeName(toEnginePath(req.path)),
    };
    const rows = this.changesRepo.page(key, n, { ...filter, kinds: req.kinds }, after, req.limit + 1);
    // Unfiltered, the counts are the layer's own, kept: each count scans all its changes (10 ms for
    // 100,000), which every page of the list would otherwise repeat.
    const counts = filter.q === null && filter.path === null
      ? this.countsByLayer.get(`${id}/${n}`, () => this.changesRepo.counts(key, n, filter))
      : this.changesRepo.counts(key, n, filter);
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
  search(id: string, q: string, opts: { deleted: boolean; limit: number; offset: number }): SearchResult {
    const { key } = this.images.require(id);
    if (q.length === 0) throw badRequest('BAD_QUERY', 'the search query is empty');
    const glob = /[*?[]/.test(q);
    const query: SearchQuery = {
      pattern: glob ? q : q.replace(/[A-Z]/g, (c) => c.toLowerCase()),
      mode: glob ? (q.includes('/') ? 'glob-path' : 'glob-name') : 'substring',
      deleted: opts.deleted,
      limit: Math.min(opts.limit, SEARCH_MAX_LIMIT),
      offset: opts.offset,
    };
    const { rows, total } = this.repo.search(key, query);
    return { items: rows.map(searchEntry), total, offset: query.offset, limit: query.limit };
  }
}

function changeOf(c: ChangeRow): LayerChange {
  return {
    path: toApiPath(decodeName(c.path)),
    change: c.change as LayerChange['change'],
    type: c.type as LayerChange['type'],
    size: c.size,
    previousLayer: c.previous_layer,
    metadataOnly: c.metadata_only === 1,
    previousSize: c.previous_size,
  };
}

const byName = (a: FsEntry, b: FsEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : (a.deletedBy ?? a.overwrittenBy ?? -1) - (b.deletedBy ?? b.overwrittenBy ?? -1));
