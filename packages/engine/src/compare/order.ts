/**
 * The path orders a comparison reads both trees in. Paths compare code unit by code unit, except
 * that `/` sorts before every other character — the order of the engine's streaming merge — so
 * `a/b` comes before `a-c` and a folder's subtree is one contiguous run, which lets the
 * comparison total each folder as soon as its run ends. Two ways to place the folder itself:
 * - `pre`: the folder, then everything below it (what `ls -R` and the change lists show);
 * - `post`: everything below it, then the folder (what a streaming merge gives, as it knows a
 *   folder's totals only once its subtree is done).
 */
import type { FsNode, MergedFs } from '../fs/merge.js';
import { comparePaths, isBelow } from '../fs/path-order.js';

export type PathOrder = 'pre' | 'post';

/** As comparePaths (pre-order), but a folder comes after everything below it. */
export function postOrder(a: string, b: string): number {
  if (isBelow(a, b)) return 1;
  if (isBelow(b, a)) return -1;
  return comparePaths(a, b);
}

export const PATH_ORDERS: Record<PathOrder, (a: string, b: string) => number> = { pre: comparePaths, post: postOrder };

/**
 * The nodes of a merged filesystem in pre-order, from `root` ('' for all; `root` itself first
 * when it is an entry). One sorted sibling list per open folder is held, never the whole tree.
 */
export function* treeOrderedNodes(fs: MergedFs, root = ''): Generator<FsNode> {
  if (root !== '') {
    const top = fs.get(root);
    if (!top) return;
    yield top;
    if (top.entry.type !== 'dir') return;
  }
  const byName = (x: FsNode, y: FsNode) => comparePaths(x.name, y.name);
  const stack: Array<{ kids: FsNode[]; next: number }> = [{ kids: fs.children(root).sort(byName), next: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next === top.kids.length) {
      stack.pop();
      continue;
    }
    const node = top.kids[top.next++];
    yield node;
    if (node.entry.type === 'dir') stack.push({ kids: fs.children(node.path).sort(byName), next: 0 });
  }
}
