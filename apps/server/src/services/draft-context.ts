import { DraftView, isEngineError, type Draft, type DraftOp } from '@peel/engine';
import type { DraftHead, ImageLayer, Repos, Store, StoredImage, StoredOp } from '../store/index.js';
import { ApiError } from '../errors.js';
import { ImageFsLookup } from './image-lookup.js';
import { summarize } from './op-summary.js';
import type { ImagesService } from './images.js';
import { Memo } from './memo.js';

/** Images whose content size is kept (one number each). */
const SIZES_KEPT = 1024;
/** Folders whose content size is kept: those drafts delete or move, asked again on every edit. */
const FOLDER_SIZES_KEPT = 4096;

/** An image with its draft, read in one go (one request's worth of memoised lookups). */
export interface DraftContext {
  image: StoredImage;
  layers: ImageLayer[];
  lookup: ImageFsLookup;
  head: DraftHead | undefined;
  ops: StoredOp[];
  /** The draft's revision as read (null: no draft yet). */
  revision: number | null;
}

/** Loads drafts and turns them into the engine's DraftView. */
export class DraftLoader {
  /** By image id (see Memo). */
  private readonly contentBytes = new Memo<number>(SIZES_KEPT);
  /** By image id and folder. */
  private readonly folderBytes = new Memo<number>(FOLDER_SIZES_KEPT);

  constructor(private readonly store: Store, private readonly images: ImagesService) {}

  /** `repos`: a transaction's, when the draft is read to be changed. */
  async load(id: string, repos: Repos = this.store): Promise<DraftContext> {
    const image = await this.images.require(id);
    const [layers, draft] = await Promise.all([repos.images.layers(id), repos.drafts.get(id)]);
    const lookup = new ImageFsLookup(this.store, image.id, layers, (dir) => this.folderBytes.get(`${image.id}/${dir}`, () => this.store.fs.bytesBelow(image.id, dir)));
    const ops = draft?.ops ?? [];
    // The paths the ops name, and their folders, are what replaying them asks first.
    await lookup.preload(ops.flatMap(({ op }) => (op.op === 'rename' ? [op.from, op.to] : [op.path])));
    return { image, layers, lookup, head: draft?.head, ops, revision: draft?.revision ?? null };
  }

  /** Bytes of file content in the image's merged filesystem (images never change: cached). */
  contentSize(image: StoredImage): Promise<number> {
    return this.contentBytes.get(image.id, () => this.store.fs.bytesBelow(image.id, ''));
  }
}

export function draftOf(ctx: DraftContext, ops: readonly DraftOp[] = ctx.ops.map((o) => o.op)): Draft {
  return { ops: [...ops], config: ctx.head?.config ?? {}, tag: ctx.head?.tag ?? null };
}

/** The mtime the draft gives what it makes: its last edit, so listings stay stable. */
export function draftClock(ctx: DraftContext): number {
  return Math.floor(Date.parse(ctx.head?.updatedAt ?? new Date().toISOString()) / 1000);
}

/**
 * The filesystem after `ops` (default: the stored ones). An impossible op is a 400 naming it.
 * Synchronous: run it, and what reads the view, inside `ctx.lookup.settle`.
 */
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
