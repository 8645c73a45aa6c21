/**
 * The one path order a comparison reads both trees in: tree order — a folder, then everything
 * below it, then its next sibling; siblings by name in Unicode code point order (= the byte order
 * of their UTF-8, what SQLite's BINARY collation gives). Comparing whole paths this way treats `/`
 * as lower than any other character, so `a/b` comes before `a-c`: a folder's subtree is one
 * contiguous run, which lets the comparison total each folder as soon as its run ends.
 */
import type { FsNode, MergedFs } from '../fs/merge.js';

const SLASH = 0x2f;

/** Negative when `a` comes before `b` in tree order, 0 when equal, positive after. */
export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x === SLASH) return -1;
    if (y === SLASH) return 1;
    // UTF-16 puts U+E000..U+FFFF after surrogate pairs (U+10000 and up); code point order does not.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** `path` is `root` or below it ('' is the root of everything). */
export function isWithin(path: string, root: string): boolean {
  return root === '' || path === root || (path.startsWith(root) && path.charCodeAt(root.length) === SLASH);
}

/**
 * The nodes of a merged filesystem in tree order, from `root` ('' for all; `root` itself first
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
