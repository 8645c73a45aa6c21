import type { FsEntry, FsPage, ListingSort } from '@peel/api';
import { openEntryContent, type BlobStore, type DraftNode, type DraftView } from '@peel/engine';
import type { ShadowedRecord, Store } from '../store/index.js';
import { joinPath, toApiPath, toEnginePath } from '../store/image-path.js';
import { badRequest, notFound } from '../errors.js';
import { viewOf, type DraftContext, type DraftLoader } from './draft-context.js';
import { resolveDraftPath } from './draft-resolve.js';
import { mergedEntry, nodeEntry, shadowedEntry } from './entries.js';
import type { ContentHandle } from './content.js';
import { allPages, type FsPageService, type PageRequest } from './fs-pages.js';
import { resolveInImage } from './resolve.js';
import { compareKeys, decodeCursor, encodeCursor, KEY_SHAPES, type PageKey } from './page-key.js';
import { encodeName } from '@peel/engine';

/** A row of a draft listing: its key in the paged order, and its entry when a page shows it. */
interface DraftRow {
  key: PageKey;
  make: () => FsEntry;
}

/**
 * The explorer's view of a draft (`draft=1`): folders as the draft leaves them, with edited
 * entries marked, and the draft's bytes of a file. Untouched entries are shown exactly as the
 * plain listing shows them.
 */
export class DraftFsService {
  /** The rows of the last draft listing paged (see page()). */
  private lastRows: { key: string; rows: DraftRow[] } | null = null;
  private expiry: NodeJS.Timeout | undefined;

  constructor(private readonly store: BlobStore, private readonly index: Store, private readonly loader: DraftLoader, private readonly pages: FsPageService) {}

  /** A whole folder as the draft leaves it: every page of the paged listing, in name order. */
  list(id: string, apiPath: string, opts: { deleted?: boolean }): Promise<FsEntry[]> {
    return allPages((req) => this.page(id, apiPath, opts, req));
  }

  /**
   * One page of a folder as the draft leaves it, in the paged listing's order (see FsPageService).
   * The draft view lives in memory: every child is keyed and sorted, and only the page's rows
   * become FsEntry objects.
   */
  async page(id: string, apiPath: string, opts: { deleted?: boolean }, req: PageRequest): Promise<FsPage> {
    const ctx = await this.loader.load(id);
    const { view, dir } = await ctx.lookup.settle(() => {
      const v = viewOf(ctx);
      return { view: v, dir: this.folder(id, v, apiPath) };
    });
    // A folder the draft leaves alone (no op on it, inside it or above it, reached the same way
    // in the image) lists exactly as the image's: its pages come from the index, a few rows per
    // page, instead of building all of its children in memory for every page. Nothing below it
    // changed either, so the index's folder sizes are the draft's.
    const inImage = await resolveInImage(this.index, ctx.image.id, toEnginePath(apiPath));
    if (inImage?.path === dir && !opsOnLine(ctx, dir)) return this.pages.page(id, apiPath, { deleted: opts.deleted === true }, req);
    // A folder a move put here, unchanged since, lists the image's folder it came from: its pages
    // come from the index too (in name order, where both agree), each row shown as the draft has it.
    const source = opts.deleted || req.sort !== 'name' ? null : view.movedFrom(dir);
    if (source !== null) {
      const page = await this.pages.page(id, toApiPath(source), { deleted: false, folderBytes: false }, req);
      const newLayer = ctx.layers.length;
      return { ...page, items: await ctx.lookup.settle(() => page.items.map((e) => this.entry(ctx, view, view.get(joinPath(dir, e.name))!, newLayer))) };
    }
    // The folder's rows, keyed and sorted, are kept for the next page of the same listing of the
    // same draft: scrolling through a big folder the draft changed builds it once, not per page.
    const cacheKey = JSON.stringify([ctx.image.id, ctx.head?.updatedAt ?? null, ctx.ops.map((o) => o.op), dir, req.sort, opts.deleted === true, req.name ?? null]);
    const shadowed = opts.deleted ? await this.index.fs.shadowedIn(ctx.image.id, dir) : [];
    const rows = this.lastRows?.key === cacheKey ? this.lastRows.rows : await ctx.lookup.settle(() => this.draftRows(ctx, view, dir, shadowed, opts, req));
    this.keep(cacheKey, rows);
    const shape = KEY_SHAPES[req.sort];
    const after = req.cursor === undefined ? null : decodeCursor(shape, req.cursor);
    const start = after === null ? 0 : rows.findIndex((r) => compareKeys(r.key, after) > 0);
    const slice = start < 0 ? [] : rows.slice(start, start + req.limit);
    const more = start >= 0 && start + req.limit < rows.length;
    const items = await ctx.lookup.settle(() => slice.map((r) => r.make()));
    return { items, total: rows.length, next: more ? encodeCursor(shape, slice[slice.length - 1].key) : null };
  }

  /** Keeps a listing's rows for its next pages, for a minute after the last of them. */
  private keep(key: string, rows: DraftRow[]): void {
    this.lastRows = { key, rows };
    clearTimeout(this.expiry);
    this.expiry = setTimeout(() => (this.lastRows = null), 60_000).unref();
  }

  /** Every row of a folder as the draft leaves it, keyed in the paged listing's order. */
  private draftRows(ctx: DraftContext, view: DraftView, dir: string, shadowed: readonly ShadowedRecord[], opts: { deleted?: boolean }, req: PageRequest): DraftRow[] {
    const newLayer = ctx.layers.length;
    const wanted = (name: string) => req.name === undefined || name === req.name;
    const rows: DraftRow[] = [];
    const live = new Set<string>();
    for (const n of view.children(dir)) {
      live.add(n.name);
      if (!wanted(n.name)) continue;
      const layer = n.edited || n.layer === null ? newLayer : n.layer;
      // A folder sorts by the bytes below it as the draft leaves them (computed once, shown too).
      const bytesBelow = n.type === 'dir' && req.sort !== 'name' ? view.bytesBelow(n.path) : undefined;
      rows.push({ key: draftKey(req.sort, n.type, bytesBelow ?? n.size, n.name, 1, layer, 0), make: () => this.entry(ctx, view, n, newLayer, bytesBelow) });
    }
    if (opts.deleted) {
      for (const n of ctx.lookup.children(dir)) {
        if (live.has(n.name) || !wanted(n.name)) continue;
        const row = ctx.lookup.row(n.path)!;
        rows.push({ key: draftKey(req.sort, row.type, row.bytesBelow ?? row.size, n.name, 0, row.layer, REMOVED_SEQ), make: () => ({ ...mergedEntry(row), deletedBy: newLayer, edited: true }) });
      }
      if (!view.isHidden(joinPath(dir, '_'))) {
        for (const row of shadowed) {
          const e = shadowedEntry(row);
          if (wanted(e.name)) rows.push({ key: draftKey(req.sort, row.type, row.size, e.name, 0, row.layer, row.seq), make: () => e });
        }
      }
    }
    rows.sort((a, b) => compareKeys(a.key, b.key));
    return rows;
  }

  /** The folder a listing names, as the draft leaves it (404 when gone, 400 when not a folder). */
  private folder(id: string, view: DraftView, apiPath: string): string {
    const dir = resolveDraftPath(view, toEnginePath(apiPath), true);
    if (dir !== '') {
      const node = view.get(dir);
      if (!node) throw notFound(`no ${apiPath} in the draft of image ${id}`);
      if (node.type !== 'dir') throw badRequest('NOT_A_DIRECTORY', `${apiPath} is a ${node.type}, not a directory`);
    }
    return dir;
  }

  async file(id: string, apiPath: string): Promise<ContentHandle> {
    const ctx = await this.loader.load(id);
    const { path, node } = await ctx.lookup.settle(() => {
      const view = viewOf(ctx);
      const p = resolveDraftPath(view, toEnginePath(apiPath), true);
      return { path: p, node: p === '' ? undefined : view.get(p) };
    });
    if (path === '') throw badRequest('NOT_A_FILE', '/ is a directory');
    if (!node) throw notFound(`no ${apiPath} in the draft of image ${id}`);
    const name = node.name;
    const source = node.source;
    if (source.kind === 'blob') {
      return { name, size: node.size, digest: source.blob, open: (range) => this.store.open(source.blob, range) };
    }
    if (source.kind === 'image') {
      const tarBlob = ctx.lookup.tarBlob(source.layer);
      return { name, size: source.entry.size, digest: source.entry.digest, open: (range) => openEntryContent(this.store, tarBlob, source.entry, range) };
    }
    throw badRequest('NOT_A_FILE', `${apiPath} is a ${node.type}, not a file`);
  }

  private entry(ctx: DraftContext, view: DraftView, n: DraftNode, newLayer: number, bytesBelow?: number): FsEntry {
    const row = n.edited || n.layer === null ? undefined : ctx.lookup.row(n.path);
    const e: FsEntry = row ? nodeEntry(row) : draftEntry(n, newLayer);
    if (n.type === 'dir') {
      // As the draft leaves it: the index's count, corrected by the draft's own entries in the folder.
      e.childCount = view.childCount(n.path);
      // The index's figure for a subtree the draft leaves alone; only folders it touches are walked.
      e.bytesBelow = bytesBelow ?? view.bytesBelow(n.path);
    }
    return e;
  }
}

function draftEntry(n: DraftNode, newLayer: number): FsEntry {
  return {
    name: n.name,
    path: toApiPath(n.path),
    type: n.type,
    mode: n.mode,
    uid: n.uid,
    gid: n.gid,
    size: n.size,
    mtime: n.mtime,
    linkTarget: n.linkTarget,
    layer: n.edited || n.layer === null ? newLayer : n.layer,
    digest: n.source.kind === 'blob' ? n.source.blob : n.source.kind === 'image' ? n.source.entry.digest : null,
    devMajor: n.devMajor,
    devMinor: n.devMinor,
    xattrs: n.xattrs,
    edited: true,
  };
}

/** What the draft deletes sorts after the shadowed versions of its layer. */
const REMOVED_SEQ = 2 ** 31;

/** The paged listing's key of a draft row (page-key.ts KEY_SHAPES). */
function draftKey(sort: ListingSort, type: string, size: number, name: string, live: number, layer: number, seq: number): PageKey {
  const tail = [encodeName(name), live, layer, seq];
  return sort === 'name' ? [type === 'dir' ? 0 : 1, ...tail] : [type === 'dir' ? 0 : 1, -size, ...tail];
}

/** Every path the draft's ops name (both ends of a rename). */
function opPaths(ctx: DraftContext): string[] {
  return ctx.ops.flatMap(({ op }) => (op.op === 'rename' ? [op.from, op.to] : [op.path]));
}

/** Some op names `dir`, a path inside it or one of its ancestors. */
function opsOnLine(ctx: DraftContext, dir: string): boolean {
  return opPaths(ctx).some((p) => p === dir || dir === '' || p === '' || p.startsWith(`${dir}/`) || dir.startsWith(`${p}/`));
}
