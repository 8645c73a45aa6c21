import type { DraftState, ExportMode } from '@peel/api';

/**
 * Paths the person asked to take out of every layer ("Remove from all layers"), per image, kept
 * for the browser tab's session: a delete of a file the final filesystem still holds looks like
 * any other delete in the draft, and only this says it was meant to leave every layer.
 */
const key = (imageId: string) => `peel.removeFromLayers.${imageId}`;

export function rememberRemoveFromLayers(imageId: string, path: string): void {
  const paths = new Set(askedToRemoveFromLayers(imageId));
  paths.add(path);
  sessionStorage.setItem(key(imageId), JSON.stringify([...paths]));
}

export function askedToRemoveFromLayers(imageId: string): string[] {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(key(imageId)) ?? '[]');
    return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}

export interface AppendKeeps {
  /** Deleted for good: purges (only lower layers still hold them) and paths asked to leave every layer. */
  forGood: string[];
  /** Every path the draft deletes whose bytes the image's layers hold (forGood included). */
  deleted: string[];
}

/** What an append export would still ship of what the draft deletes (it only hides it with whiteouts). */
export function appendKeeps(draft: DraftState | undefined, asked: readonly string[]): AppendKeeps {
  const deleted = (draft?.changes ?? []).filter((c) => c.kind === 'deleted');
  const wanted = new Set(asked);
  return {
    forGood: deleted.filter((c) => c.purgeOnly || wanted.has(c.path)).map((c) => c.path),
    deleted: deleted.map((c) => c.path),
  };
}

/** Rewrite when something is to leave every layer (append would keep its bytes), else append. */
export function defaultExportMode(keeps: AppendKeeps): ExportMode {
  return keeps.forGood.length > 0 ? 'rewrite' : 'append';
}
