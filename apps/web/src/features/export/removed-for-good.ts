import type { DraftState, ExportMode } from '@peel/api';

export interface AppendKeeps {
  /** Deleted for good: purges (only lower layers still hold them) and deletes asked to leave every layer. */
  forGood: string[];
  /** Every path the draft deletes whose bytes the image's layers hold (forGood included). */
  deleted: string[];
}

/** What an append export would still ship of what the draft deletes (it only hides it with whiteouts). */
export function appendKeeps(draft: DraftState | undefined): AppendKeeps {
  const deleted = (draft?.changes ?? []).filter((c) => c.kind === 'deleted');
  return {
    forGood: deleted.filter((c) => c.purgeOnly || c.fromEveryLayer).map((c) => c.path),
    deleted: deleted.map((c) => c.path),
  };
}

/** Rewrite when something is to leave every layer (append would keep its bytes), else append. */
export function defaultExportMode(keeps: AppendKeeps): ExportMode {
  return keeps.forGood.length > 0 ? 'rewrite' : 'append';
}
