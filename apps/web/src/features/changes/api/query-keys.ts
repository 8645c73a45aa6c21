import type { ContentLayer } from '../../viewer/index.js';

/** Query keys of a layer's changes, and of a version's SHA-256 computed in the browser. */
export const changesKeys = {
  /** The list of a layer's changes under one filter (`kinds` as the URL writes it, or 'all'). */
  list: (imageId: string, layer: number, kinds: string, q: string) => ['changes', imageId, layer, kinds, q] as const,
  /** The change a layer made to one path. */
  path: (imageId: string, layer: number, path: string | undefined) => ['changes', imageId, layer, 'path', path] as const,
  /** Draft bytes change with every save: their hash is keyed by size too. */
  sha256: (imageId: string, source: ContentLayer, path: string, size: number) => ['sha256', imageId, source ?? 'merged', path, size] as const,
};
