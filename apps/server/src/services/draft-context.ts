import { DraftView, isEngineError, type Draft, type DraftOp } from '@peel/engine';
import type { Db } from '../store/db.js';
import { DraftRepo, type DraftHead, type StoredOp } from '../store/draft-repo.js';
import type { ImageLayerRow, ImageRow } from '../store/images-repo.js';
import { ApiError } from '../errors.js';
import { ImageFsLookup } from './image-lookup.js';
import { SubtreeSizes } from '../store/subtree-size.js';
import { summarize } from './op-summary.js';
import type { FsService } from './fs.js';
import type { ImagesService } from './images.js';
import { Memo } from './memo.js';

/** Images whose content size is kept (one number each). */
const SIZES_KEPT = 1024;
/** Folders whose content size is kept: those drafts delete or move, asked again on every edit. */
const FOLDER_SIZES_KEPT = 4096;

/** An image with its draft, read in one go (one request's worth of memoised lookups). */
export interface DraftContext {
  image: ImageRow;
  layers: ImageLayerRow[];
  lookup: ImageFsLookup;
  head: DraftHead | undefined;
  ops: StoredOp[];
}

/** Loads drafts and turns them into the engine's DraftView. */
export class DraftLoader {
  readonly repo: DraftRepo;
  /** By image id (see Memo). */
  private readonly contentBytes = new Memo<number>(SIZES_KEPT);
  /** By image id and folder. */
  private readonly folderBytes = new Memo<number>(FOLDER_SIZES_KEPT);
  private readonly contentStmt;
  private readonly subtrees: SubtreeSizes;

  constructor(db: Db, private readonly images: ImagesService, private readonly fs: FsService) {
    this.repo = new DraftRepo(db);
    this.subtrees = new SubtreeSizes(db);
    // Hard links count with their target's size, the way the engine's draft changes count them.
    this.contentStmt = db.prepare(`SELECT coalesce(sum(CASE WHEN n.type = 'file' THEN n.size ELSE (
        SELECT le.size FROM image_layers il JOIN layer_entries le ON le.layer = il.layer AND le.seq = n.content_seq
         WHERE il.image = n.image AND il.idx = n.content_layer) END), 0)
      FROM fs_nodes n WHERE n.image = ? AND (n.type = 'file' OR (n.type = 'hardlink' AND n.content_seq IS NOT NULL))`).pluck();
  }

  load(id: string): DraftContext {
    const image = this.images.require(id);
    const layers = this.images.repo.layers(image.key);
    return {
      image,
      layers,
      lookup: new ImageFsLookup(this.fs.repo, image.key, layers, (dir) => this.folderBytes.get(`${image.id}/${dir}`, () => this.subtrees.below(image.key, dir))),
      head: this.repo.head(image.key),
      ops: this.repo.ops(image.key),
    };
  }

  /** Bytes of file content in the image's merged filesystem (images never change: cached). */
  contentSize(image: ImageRow): number {
    return this.contentBytes.get(image.id, () => this.contentStmt.get(image.key) as number);
  }
}

export function draftOf(ctx: DraftContext, ops: readonly DraftOp[] = ctx.ops.map((o) => o.op)): Draft {
  return { ops: [...ops], config: ctx.head?.config ?? {}, tag: ctx.head?.tag ?? null };
}

/** The mtime the draft gives what it makes: its last edit, so listings stay stable. */
export function draftClock(ctx: DraftContext): number {
  return Math.floor(Date.parse(ctx.head?.updatedAt ?? new Date().toISOString()) / 1000);
}

/** The filesystem after `ops` (default: the stored ones). An impossible op is a 400 naming it. */
export function viewOf(ctx: DraftContext, ops?: readonly DraftOp[], now = draftClock(ctx)): DraftView {
  try {
    return new DraftView(ctx.lookup, draftOf(ctx, ops), now);
  } catch (e) {
    if (isEngineError(e)) throw new ApiError(400, 'BAD_DRAFT_OP', e.message);
    throw e;
  }
}

/**
 * Replays `ops` from scratch, recomputing what each one does. Throws ApiError(409) naming the
 * first op that no longer applies (`label` says which of the caller's ops it is).
 */
export function replay(ctx: DraftContext, ops: readonly StoredOp[], label: (i: number) => string): { ops: StoredOp[]; view: DraftView } {
  const now = draftClock(ctx);
  const out: StoredOp[] = [];
  let view = new DraftView(ctx.lookup, draftOf(ctx, []), now);
  for (let i = 0; i < ops.length; i++) {
    const summary = summarize(view, ops[i].op);
    try {
      view = new DraftView(ctx.lookup, draftOf(ctx, [...out.map((o) => o.op), ops[i].op]), now);
    } catch (e) {
      if (!isEngineError(e)) throw e;
      throw new ApiError(409, 'DRAFT_CONFLICT', `${label(i)} would no longer apply: ${e.message.replace(/^draft change \d+ \(\w+\): /, '')}; discard it first`);
    }
    out.push({ ...ops[i], summary });
  }
  return { ops: out, view };
}
