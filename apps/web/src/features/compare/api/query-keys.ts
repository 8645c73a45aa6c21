import type { CompareSides } from '../compare-params.js';

const sideKey = (id: string, layer: number | undefined, draft: string | undefined) => `${id}@${draft !== undefined ? `draft:${draft}` : (layer ?? '')}`;
/** The sides as key parts: `abc@3` (as of layer 3), `abc@` (the whole image), `abc@draft:<its last edit>`. */
const sidesKey = (sides: CompareSides) => [sideKey(sides.a, sides.aLayer, sides.aDraft ? (sides.aDraftAt ?? '') : undefined), sideKey(sides.b, sides.bLayer, sides.bDraft ? (sides.bDraftAt ?? '') : undefined)] as const;

/**
 * Query keys of comparisons. A stored image never changes, so neither does a comparison of two;
 * a draft side is keyed by the time of its last edit, so an edit makes it another comparison.
 */
export const compareKeys = {
  all: () => ['compare'] as const,
  summary: (sides: CompareSides, mtime: boolean) => ['compare', ...sidesKey(sides), 'summary', mtime] as const,
  /** One folder of the tree of differences under one filter (`filter` as the API query writes it). */
  folder: (sides: CompareSides, filter: string, path: string) => ['compare', ...sidesKey(sides), 'fs', filter, path] as const,
  /** The flat list of changed paths under one filter. */
  changes: (sides: CompareSides, filter: string) => ['compare', ...sidesKey(sides), 'changes', filter] as const,
  /** The packages the sides differ by. */
  packages: (sides: CompareSides) => ['compare', ...sidesKey(sides), 'packages'] as const,
};
