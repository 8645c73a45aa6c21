import type { Progress } from '../progress.js';
import type { TreeOptions } from './safe-tree.js';

export interface UnpackOptions {
  tree: TreeOptions;
  progress: Progress;
  signal: AbortSignal;
}
