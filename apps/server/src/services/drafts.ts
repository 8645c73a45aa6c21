import type { Readable } from 'node:stream';
import type { DraftOpRequest, DraftState } from '@peel/api';
import { qualifyTag, type BlobStore, type DraftOp, type DraftView } from '@peel/engine';
import { DraftRevisionConflict, type DraftHead, type Repos, type Store, type StoredOp } from '../store/index.js';
import { toApiPath, toEnginePath } from '../store/image-path.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { limitBytes } from './byte-limit.js';
import { checkConfigPatch, imageContainerConfig, mergeConfigPatch } from './config-patch.js';
import { replay, viewOf, type DraftContext, type DraftLoader } from './draft-context.js';
import { resolveDraftPath } from './draft-resolve.js';
import { draftState } from './draft-state.js';
import { summarize } from './op-summary.js';
import type { BlobCollector } from './blob-collector.js';
import type { ImagesService } from './images.js';

export interface WriteMeta {
  mode?: number;
  uid?: number;
  gid?: number;
}

/**
 * Edits to an image's draft. Each edit reads the draft, checks it by replaying it with the
 * engine's DraftView (an impossible op is a 400 that names it) and stores it in one store
 * transaction that bumps the draft's revision, so two edits never interleave and an edit made
 * from an older read fails instead of losing the one between. Every edit answers with the
 * whole DraftState.
 */
export class DraftService {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly images: ImagesService,
    private readonly loader: DraftLoader,
    private readonly collector: BlobCollector,
    private readonly maxUploadBytes: number,
  ) {}

  async state(id: string): Promise<DraftState> {
    const ctx = await this.loader.load(id);
    const contentSize = await this.loader.contentSize(ctx.image);
    return ctx.lookup.settle(() => draftState(ctx, viewOf(ctx), contentSize));
  }

  /** Streams the new bytes into the blob store, then records the write. */
  async write(id: string, apiPath: string, body: Readable, meta: WriteMeta, signal: AbortSignal): Promise<DraftState> {
    // Refuse a write into a folder before reading a possibly large body.
    const pre = await this.loader.load(id);
    const prePath = await pre.lookup.settle(() => {
      const view = viewOf(pre);
      const path = this.target(view, apiPath, true);
      return view.get(path)?.type === 'dir' ? path : null;
    });
    if (prePath !== null) throw badRequest('BAD_DRAFT_OP', `${toApiPath(prePath)} is a folder`);

    const done = await this.collector.begin();
    try {
      const writer = this.blobs.create();
      let blob: { digest: string; size: number };
      try {
        for await (const chunk of limitBytes(body, this.maxUploadBytes)) {
          if (signal.aborted) throw new ApiError(400, 'ABORTED', 'the client cancelled the upload');
          await writer.write(chunk as Buffer);
        }
        blob = await writer.commit();
      } catch (e) {
        await writer.abort();
        throw e;
      }
      try {
        return await this.addOp(id, (before) => ({
          op: { op: 'write', path: this.target(before, apiPath, true), blob: blob.digest, size: blob.size, ...meta },
          blob: blob.digest,
        }));
      } catch (e) {
        await this.collector.release([blob.digest]);
        throw e;
      }
    } finally {
      await done();
    }
  }

  /** mkdir, symlink, rename, chmod, chown and delete. */
  apply(id: string, req: DraftOpRequest): Promise<DraftState> {
    return this.addOp(id, (before) => ({ op: toEngineOp(req, (p, follow) => this.target(before, p, follow)), blob: null }));
  }

  patchConfig(id: string, body: unknown): Promise<DraftState> {
    const patch = checkConfigPatch(body);
    return this.mutateHead(id, (ctx) => ({ config: mergeConfigPatch(imageContainerConfig(ctx.image.configRaw), ctx.head?.config ?? {}, patch) }));
  }

  clearConfig(id: string): Promise<DraftState> {
    return this.mutateHead(id, () => ({ config: {} }));
  }

  setTag(id: string, tag: string | null): Promise<DraftState> {
    const value = tag === null || tag.trim() === '' ? null : tag.trim();
    if (value !== null) {
      try {
        qualifyTag(value);
      } catch (e) {
        throw badRequest('BAD_TAG', (e as Error).message);
      }
    }
    return this.mutateHead(id, () => ({ tag: value }));
  }

  /** Discards the op at `index`; 409 when a later op needs it. */
  discard(id: string, index: number): Promise<DraftState> {
    return this.discardWhere(id, (ops) => {
      if (index >= ops.length) throw notFound(`the draft of image ${id} has ${ops.length} change(s); there is no change ${index}`);
      return [index];
    });
  }

  undo(id: string): Promise<DraftState> {
    return this.discardWhere(id, (ops) => {
      if (ops.length === 0) throw notFound(`the draft of image ${id} has no change to undo`);
      return [ops.length - 1];
    });
  }

  /** Discards every op made to `apiPath` (its path, or a rename's old or new path). */
  discardPath(id: string, apiPath: string): Promise<DraftState> {
    const path = toEnginePath(apiPath);
    return this.discardWhere(id, (ops) => {
      const hits = ops.flatMap(({ op }, i) => ((op.op === 'rename' ? op.from === path || op.to === path : op.path === path) ? [i] : []));
      if (hits.length === 0) throw notFound(`the draft of image ${id} has no change to ${apiPath}`);
      return hits;
    });
  }

  async clear(id: string): Promise<DraftState> {
    await this.images.require(id);
    const blobs = await this.store.drafts.clear(id);
    await this.collector.release(blobs);
    return this.state(id);
  }

  private target(view: DraftView, apiPath: string, followLast: boolean): string {
    const path = resolveDraftPath(view, toEnginePath(apiPath), followLast);
    if (path === '') throw badRequest('BAD_DRAFT_OP', 'the root folder itself cannot be changed');
    return path;
  }

  /** Appends one op: resolved and checked against the current draft, stored, answered. */
  private addOp(id: string, make: (before: DraftView) => { op: DraftOp; blob: string | null }): Promise<DraftState> {
    return this.editAgainOnConflict(async (tx) => {
      const ctx = await this.loader.load(id, tx);
      const contentSize = await this.loader.contentSize(ctx.image);
      const now = new Date().toISOString();
      const { stored, state } = await ctx.lookup.settle(() => {
        const before = viewOf(ctx);
        const { op, blob } = make(before);
        const summary = summarize(before, op);
        const after = viewOf(ctx, [...ctx.ops.map((o) => o.op), op]);
        const stored: StoredOp = { op, summary, blob, createdAt: now };
        const next: DraftContext = { ...ctx, ops: [...ctx.ops, stored], head: { config: ctx.head?.config ?? {}, tag: ctx.head?.tag ?? null, updatedAt: now } };
        return { stored, state: draftState(next, after, contentSize) };
      });
      await tx.drafts.appendOp(id, stored, { config: ctx.head?.config ?? {}, tag: ctx.head?.tag ?? null, updatedAt: now }, ctx.revision);
      return state;
    });
  }

  private mutateHead(id: string, change: (ctx: DraftContext) => { config?: Record<string, unknown>; tag?: string | null }): Promise<DraftState> {
    return this.editAgainOnConflict(async (tx) => {
      const ctx = await this.loader.load(id, tx);
      const contentSize = await this.loader.contentSize(ctx.image);
      const changed = change(ctx);
      const config = changed.config ?? ctx.head?.config ?? {};
      const tag = changed.tag === undefined ? (ctx.head?.tag ?? null) : changed.tag;
      const next = { ...ctx, head: await this.saveOrClear(tx, ctx, ctx.ops, config, tag) };
      return next.lookup.settle(() => draftState(next, viewOf(next), contentSize));
    });
  }

  /**
   * Runs an edit that appends an op or changes the head, again from a fresh read when another
   * edit (another browser, another process) got in first: both edits are kept, as they would be
   * one after the other, and one that no longer applies to the draft it now finds is refused as
   * it would be then. Never more than a few rounds: a draft that keeps changing faster is a 409.
   */
  private async editAgainOnConflict<T>(edit: (tx: Repos) => Promise<T>): Promise<T> {
    for (let round = 1; ; round++) {
      try {
        return await this.store.transaction(edit);
      } catch (e) {
        if (!(e instanceof DraftRevisionConflict) || round >= EDIT_ROUNDS) throw draftChanged(e);
      }
    }
  }

  /**
   * Drops the ops `pick` names and replays the rest (409 when one of them no longer applies).
   * Not run again when the draft changed meanwhile: the ops are named by their place in the
   * draft the user saw (undo means the last one then), so a 409 asks them to look again.
   */
  private async discardWhere(id: string, pick: (ops: readonly StoredOp[]) => number[]): Promise<DraftState> {
    const { state, released } = await this.store.transaction(async (tx) => {
      const ctx = await this.loader.load(id, tx);
      const contentSize = await this.loader.contentSize(ctx.image);
      const drop = new Set(pick(ctx.ops));
      const keptIndex = ctx.ops.flatMap((_, i) => (drop.has(i) ? [] : [i]));
      const keep = keptIndex.map((i) => ctx.ops[i]);
      const { ops, view } = await ctx.lookup.settle(() => replay(ctx, keep, (k) => `change ${keptIndex[k]} (${describe(keep[k].op)})`));
      const head = await this.saveOrClear(tx, ctx, ops, ctx.head?.config ?? {}, ctx.head?.tag ?? null);
      const stillUsed = new Set(ops.map((o) => o.blob));
      const gone = ctx.ops.filter((_, i) => drop.has(i)).map((o) => o.blob);
      // The replayed view already holds every lookup the answer needs: no second walk.
      const state = await ctx.lookup.settle(() => draftState({ ...ctx, ops, head }, view, contentSize));
      return { state, released: gone.filter((b): b is string => b !== null && !stillUsed.has(b)) };
    }).catch((e: unknown) => {
      throw draftChanged(e);
    });
    await this.collector.release(released);
    return state;
  }

  /** Stores the ops and head, or drops the draft when nothing is left in it; returns the new head. */
  private async saveOrClear(tx: Repos, ctx: DraftContext, ops: readonly StoredOp[], config: Record<string, unknown>, tag: string | null): Promise<DraftHead | undefined> {
    if (ops.length === 0 && Object.keys(config).length === 0 && tag === null) {
      await tx.drafts.clear(ctx.image.id);
      return undefined;
    }
    const head = { config, tag, updatedAt: new Date().toISOString() };
    if (ops === ctx.ops) await tx.drafts.saveHead(ctx.image.id, head, ctx.revision);
    else await tx.drafts.replaceOps(ctx.image.id, ops, head, ctx.revision);
    return head;
  }
}

/** How many times an edit is tried when other edits of the same draft keep getting in first. */
const EDIT_ROUNDS = 5;

/** A DraftRevisionConflict as the 409 the user sees; any other error as it is. */
function draftChanged(e: unknown): unknown {
  if (!(e instanceof DraftRevisionConflict)) return e;
  return new ApiError(409, 'DRAFT_CHANGED', 'the draft was changed by another edit meanwhile; reload it and try again');
}

function toEngineOp(req: DraftOpRequest, target: (apiPath: string, followLast: boolean) => string): DraftOp {
  switch (req.op) {
    case 'mkdir':
      return { op: 'mkdir', path: target(req.path, false), mode: req.mode, uid: req.uid, gid: req.gid };
    case 'symlink':
      return { op: 'symlink', path: target(req.path, false), target: req.target };
    case 'rename':
      return { op: 'rename', from: target(req.from, false), to: target(req.to, false) };
    case 'chmod':
      return { op: 'chmod', path: target(req.path, true), mode: req.mode };
    case 'chown':
      return { op: 'chown', path: target(req.path, true), uid: req.uid, gid: req.gid };
    case 'delete':
      return { op: 'delete', path: target(req.path, false), ...(req.fromEveryLayer ? { fromEveryLayer: true } : {}) };
  }
}

function describe(op: DraftOp): string {
  return op.op === 'rename' ? `rename ${toApiPath(op.from)} to ${toApiPath(op.to)}` : `${op.op} ${toApiPath(op.path)}`;
}
