import type { CompareSides } from '../compare-params.js';

/** The sides as one key part: `abc@3` (as of layer 3) or `abc` (the whole image). */
const sidesKey = (sides: CompareSides) => [`${sides.a}@${sides.aLayer ?? ''}`, `${sides.b}@${sides.bLayer ?? ''}`] as const;

/** Query keys of comparisons; a stored image never changes, so neither does a comparison of two. */
export const compareKeys = {
  all: () => ['compare'] as const,
  summary: (sides: CompareSides, mtime: boolean) => ['compare', ...sidesKey(sides), 'summary', mtime] as const,
  /** One folder of the tree of differences under one filter (`filter` as the API query writes it). */
  folder: (sides: CompareSides, filter: string, path: string) => ['compare', ...sidesKey(sides), 'fs', filter, path] as const,
  /** The flat list of changed paths under one filter. */
  changes: (sides: CompareSides, filter: string) => ['compare', ...sidesKey(sides), 'changes', filter] as const,
};
