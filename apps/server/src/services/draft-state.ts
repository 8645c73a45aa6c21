import type { DraftOpItem, DraftState } from '@peel/api';
import type { DraftView } from '@peel/engine';
import type { StoredOp } from '../store/draft-repo.js';
import { toApiPath } from '../store/image-path.js';
import { applyConfigPatch, configChanges, imageContainerConfig } from './config-patch.js';
import type { DraftContext } from './draft-context.js';

/** The tag an export writes when the request names none. */
export function resultTag(ctx: DraftContext): string {
  const tags = JSON.parse(ctx.image.tags) as string[];
  return ctx.head?.tag ?? tags[0] ?? `peel/${ctx.image.id}:latest`;
}

/** The API's picture of a draft: its ops, their net effect, the config patch and sizes. */
export function draftState(ctx: DraftContext, view: DraftView, contentBefore: number): DraftState {
  const imageConfig = imageContainerConfig(ctx.image.config);
  const patch = ctx.head?.config ?? {};
  const changes = view.changes().map((c) => ({
    path: toApiPath(c.path),
    kind: c.kind,
    type: c.type,
    sizeDelta: c.sizeDelta,
    ...(c.purgeOnly ? { purgeOnly: true } : {}),
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
