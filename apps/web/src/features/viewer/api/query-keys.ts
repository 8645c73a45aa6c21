import type { ContentLayer } from './get-content.js';

/** Query keys of file contents, read page by page; `draft(id)` covers every page of the draft's files. */
export const contentKeys = {
  draft: (imageId: string) => ['content', imageId, 'draft'] as const,
  page: (imageId: string, path: string, layer: ContentLayer, start: number, length: number) => ['content', imageId, layer ?? 'merged', path, start, length] as const,
};
