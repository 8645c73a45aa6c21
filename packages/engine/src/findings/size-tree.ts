import type { MergedFs } from '../fs/merge.js';
import type { FolderSizes } from './folders.js';
import type { SizeTreeNode } from './types.js';

export interface TreeLimits {
  treeMaxChildren: number;
  treeMaxDepth: number;
  treeMinShare: number;
}

/**
 * The final filesystem as a size tree, small enough to draw and to send: under each folder the
 * largest entries down to `treeMinShare` of the whole (at most `treeMaxChildren`), the rest in
 * one `other` node; folders below `treeMaxDepth` are leaves. Sizes always add up.
 */
export function sizeTree(fs: MergedFs, folders: FolderSizes, owned: ReadonlyMap<string, number>, limits: TreeLimits): SizeTreeNode {
  const total = folders.get('').size;
  const minSize = total * limits.treeMinShare;

  const build = (path: string, name: string, depth: number): SizeTreeNode => {
    const own = folders.get(path);
    const node: SizeTreeNode = { name, path, size: own.size, files: own.files, type: 'dir', layer: null };
    if (depth >= limits.treeMaxDepth) return node;
    const kids: SizeTreeNode[] = [];
    for (const child of fs.children(path)) {
      if (child.entry.type === 'dir') {
        const s = folders.get(child.path);
        if (s.size > 0) kids.push({ name: child.name, path: child.path, size: s.size, files: s.files, type: 'dir', layer: null });
        continue;
      }
      const size = owned.get(child.path);
      if (size) kids.push({ name: child.name, path: child.path, size, files: 1, type: 'file', layer: child.layer });
    }
    kids.sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : 1));
    const shown: SizeTreeNode[] = [];
    let rest = { size: 0, files: 0, count: 0 };
    for (const k of kids) {
      if (shown.length < limits.treeMaxChildren && k.size >= minSize) {
        shown.push(k.type === 'dir' ? build(k.path, k.name, depth + 1) : k);
      } else {
        rest = { size: rest.size + k.size, files: rest.files + k.files, count: rest.count + 1 };
      }
    }
    if (rest.count > 0) {
      shown.push({ name: `${rest.count} smaller`, path, size: rest.size, files: rest.files, type: 'other', layer: null });
    }
    if (shown.length) node.children = shown;
    return node;
  };
  return build('', '/', 0);
}
