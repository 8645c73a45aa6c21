import type { DraftOpItem, DraftState } from '@peel/api';
import type { DraftView } from '@peel/engine';
import type { StoredOp } from '../store/index.js';
import { toApiPath } from '../store/image-path.js';
import { applyConfigPatch, configChanges, imageContainerConfig } from './config-patch.js';
import type { DraftContext } from './draft-context.js';

/**
 * The tag an export writes when the request names none: the draft's own tag, else a new tag of
 * the name the image came by (the one it was opened from Docker by, else its first tag), so
 * loading the result into Docker never takes the original image's name over.
 */
export function resultTag(ctx: DraftContext): string {
  if (ctx.head?.tag) return ctx.head.tag;
  const tags = ctx.image.tags;
  const source = tags.includes(ctx.image.name) ? ctx.image.name : tags[0];
  return source ? editedTag(source) : `peel/${ctx.image.id}:edited`;
}

/** `repo:edited` for a source reference (`app:edited` gives `app:edited-2`); a digest is dropped. */
export function editedTag(source: string): string {
  const base = source.split('@')[0];
  const colon = base.lastIndexOf(':');
  const named = colon > base.lastIndexOf('/');
  const repo = named ? base.slice(0, colon) : base;
  const tag = named ? base.slice(colon + 1) : 'latest';
  return `${repo}:${tag === 'edited' ? 'edited-2' : 'edited'}`;
}

/** The API's picture of a draft: its ops, their net effect, the config patch and sizes. */
export function draftState(ctx: DraftContext, view: DraftView, contentBefore: number): DraftState {
  const imageConfig = imageContainerConfig(ctx.image.configRaw);
  const patch = ctx.head?.config ?? {};
  const everyLayer = ctx.ops.flatMap(({ op }) => (op.op === 'delete' && op.fromEveryLayer ? [op.path] : []));
  const fromEveryLayer = (path: string) => everyLayer.some((p) => path === p || path.startsWith(`${p}/`) || p === '');
  const changes = view.changes().map((c) => ({
    path: toApiPath(c.path),
    kind: c.kind,
    type: c.type,
    sizeDelta: c.sizeDelta,
    ...(c.purgeOnly ? { purgeOnly: true } : {}),
    ...(c.kind === 'deleted' && fromEveryLayer(c.path) ? { fromEveryLayer: true } : {}),
    ...(c.tree ? { tree: true } : {}),
    ...(c.replacesTree ? { replacesTree: true } : {}),
  }));
  const delta = changes.reduce((sum, c) => sum + c.sizeDelta, 0);
  return {
    imageId: ctx.image.id,
    ops: ctx.ops.map(opItem),
    changes,
    config: patch,
    resultConfig: applyConfigPatch(imageConfig, patch),
    configChanges: configChanges(imageConfig, patch),
    tag: ctx.head?.tag ?? null,
    resultTag: resultTag(ctx),
    size: { before: contentBefore, after: contentBefore + delta },
    empty: ctx.head === undefined,
    updatedAt: ctx.head?.updatedAt ?? null,
  };
}

function opItem(stored: StoredOp, index: number): DraftOpItem {
  const { op, summary, createdAt } = stored;
  const item: DraftOpItem = {
    index,
    op: op.op,
    path: toApiPath(op.op === 'rename' ? op.to : op.path),
    kind: summary.kind,
    type: summary.type,
    sizeDelta: summary.sizeDelta,
    createdAt,
  };
  if (summary.purgeOnly) item.purgeOnly = true;
  if (op.op === 'delete' && op.fromEveryLayer) item.fromEveryLayer = true;
  switch (op.op) {
    case 'rename':
      item.from = toApiPath(op.from);
      break;
    case 'write':
      item.size = op.size;
      break;
    case 'symlink':
      item.target = op.target;
      break;
    case 'chown':
      item.uid = op.uid;
      item.gid = op.gid;
      break;
  }
  if ((op.op === 'write' || op.op === 'mkdir') && op.uid !== undefined) item.uid = op.uid;
  if ((op.op === 'write' || op.op === 'mkdir') && op.gid !== undefined) item.gid = op.gid;
  if ((op.op === 'write' || op.op === 'mkdir' || op.op === 'chmod') && op.mode !== undefined) item.mode = op.mode;
  return item;
}
